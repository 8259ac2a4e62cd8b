/**
 * Compaction moves checks from rows into blocks without losing or doubling one, even when it is killed at
 * any statement (the database then holds what was committed, as a reopened file would), and carries on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/worker/core/engine';
import { compact, compactSpan } from '../../src/worker/domain/history/compaction';
import {
	compression,
	database,
	DAY,
	expected,
	fingerprint,
	FROM,
	migrated,
	recordRows,
} from './history-store';

class Killed extends Error {}

/** Makes the `budget`-th write statement from now throw, as if the tab died there. */
function killAfter(engine: Engine, budget: number): () => void {
	const run = engine.run.bind(engine);
	let left = budget;
	engine.run = (...args) => {
		if (left-- <= 0) throw new Killed();
		return run(...args);
	};
	return () => {
		engine.run = run;
	};
}

const NOW = FROM + 3 * DAY + 3_600_000;
const count = (engine: Engine, sql: string) => Number(engine.value(sql));

describe('compaction', () => {
	it('moves every closed span older than a day into one block and leaves the recent rows', async () => {
		const engine = await migrated();
		const monitors = recordRows(engine, [60, 30, 300], 3.5);
		const result = await compact(database(engine), NOW, { compression, pause: async () => {} });
		expect(result.checks).toBeGreaterThan(0);
		for (const { monitorId, checks } of monitors)
			expect(await fingerprint(engine, monitorId)).toEqual(expected(checks));
		// Rows left: only spans that end within the last day.
		expect(count(engine, `SELECT count(*) FROM checks WHERE started_at < ${NOW - 2 * DAY}`)).toBe(
			0,
		);
		expect(
			count(engine, `SELECT count(*) FROM checks WHERE started_at >= ${NOW - DAY}`),
		).toBeGreaterThan(0);
		expect(count(engine, 'SELECT sum(checks) FROM history_blocks')).toBe(result.checks);
		// A second run finds nothing to do.
		expect(await compact(database(engine), NOW, { compression, pause: async () => {} })).toEqual({
			blocks: 0,
			checks: 0,
		});
	});

	it('killed at random statements, then run again until done: each check exists exactly once', async () => {
		const engine = await migrated();
		const monitors = recordRows(engine, [60, 30], 3.5, 11);
		let image = engine.db.export();
		let random = 12345;
		const next = () => (random = (Math.imul(random, 1103515245) + 12345) >>> 0);
		let kills = 0;
		for (let attempt = 0; attempt < 200; attempt++) {
			const current = await migrated(image);
			const restore = killAfter(current, next() % 12);
			try {
				await compact(database(current), NOW, { compression, pause: async () => {} });
				restore();
				image = current.db.export();
				break;
			} catch (error) {
				if (!(error instanceof Killed)) throw error;
				kills++;
				restore();
				// What survives a kill is what was committed: reopen from it.
				image = current.db.export();
			}
		}
		expect(kills).toBeGreaterThan(5);
		const final = await migrated(image);
		expect(count(final, `SELECT count(*) FROM checks WHERE started_at < ${NOW - 2 * DAY}`)).toBe(0);
		for (const { monitorId, checks } of monitors)
			expect(await fingerprint(final, monitorId)).toEqual(expected(checks));
	});

	it('a row that arrives for a span already compacted joins its block', async () => {
		const engine = await migrated();
		const [monitor] = recordRows(engine, [60], 3);
		const db = database(engine);
		await compact(db, NOW, { compression, pause: async () => {} });
		const late = {
			...monitor!.checks[5]!,
			message: 'late',
			startedAt: monitor!.checks[5]!.startedAt + 1,
		};
		const { insertRow } = await import('../../src/worker/stores/history/rows');
		insertRow(engine, monitor!.monitorId, late);
		const blocks = count(engine, 'SELECT count(*) FROM history_blocks');
		await compact(db, NOW, { compression, pause: async () => {} });
		expect(count(engine, 'SELECT count(*) FROM history_blocks')).toBe(blocks);
		expect(await fingerprint(engine, monitor!.monitorId)).toEqual(
			expected([...monitor!.checks, late]),
		);
	});

	it('writes nothing when the rows changed between reading and writing', async () => {
		const engine = await migrated();
		const [monitor] = recordRows(engine, [60], 2);
		const before = engine.db.export();
		const db = database(engine);
		const racing = {
			engine,
			write: <T>(fn: () => T) => {
				engine.run('DELETE FROM checks WHERE id = (SELECT min(id) FROM checks)');
				return db.write(fn);
			},
		};
		await expect(
			compactSpan(racing, monitor!.monitorId, FROM, FROM + 6 * 3_600_000, compression),
		).rejects.toMatchObject({ code: 'history-compaction-raced' });
		expect(count(engine, 'SELECT count(*) FROM history_blocks')).toBe(0);
		expect(before.length).toBeGreaterThan(0);
	});

	it('moves the released v006 fixture’s checks after migration 007, each exactly once', async () => {
		const image = readFileSync(join(import.meta.dirname, '../fixtures/schema/v006.db'));
		const engine = await migrated(new Uint8Array(image));
		const ids = engine.all<{ monitor_id: number }>('SELECT DISTINCT monitor_id FROM checks');
		expect(ids.length).toBeGreaterThan(0);
		const before = new Map<number, string[]>();
		for (const { monitor_id } of ids) before.set(monitor_id, await fingerprint(engine, monitor_id));
		await compact(database(engine), Date.UTC(2030, 0, 1), { compression, pause: async () => {} });
		expect(count(engine, 'SELECT count(*) FROM checks')).toBe(0);
		for (const { monitor_id } of ids)
			expect(await fingerprint(engine, monitor_id)).toEqual(before.get(monitor_id));
	});
});
