/**
 * The activity log with the real sql.js: what is recorded (and what never is), paging newest first,
 * the kind filter, rows an app did not write, the range of its retention setting, and the CLI's log.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { activityCsv, type ActivityEntry } from '../../src/shared/activity';
import { AppError } from '../../src/shared/errors';
import { migrate } from '../../src/worker/core/migrations/runner';
import {
	activityDays,
	activityPage,
	recordActivity,
	setActivityDays,
} from '../../src/worker/domain/activity/log';
import { deleteActivityBefore } from '../../src/worker/stores/activity';
import { compactionEntry } from '../../src/worker/domain/health/maintenance-log';
import { newEngine, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

async function db() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	return engine;
}

describe('the activity log', () => {
	it('records what happened and never a secret, however the detail is named', async () => {
		const engine = await db();
		recordActivity(engine, T0, {
			kind: 'import',
			message: `Imported ${'x'.repeat(2000)}`,
			details: {
				file: 'monitor.db',
				bytes: 12,
				token: '123:ABC',
				botToken: '123:ABC',
				headers: '{"Authorization":"Bearer s3cret"}',
				passphrase: 'hunter2',
				apiKey: 'k',
				nested: { token: 'x' },
			},
		});
		const [entry] = activityPage(engine, {}).entries;
		expect(entry).toMatchObject({ at: T0, kind: 'import', level: 'info' });
		expect(entry!.details).toEqual({ file: 'monitor.db', bytes: 12 });
		expect(Array.from(entry!.message)).toHaveLength(500);
		const stored = JSON.stringify(engine.all('SELECT * FROM app_log'));
		for (const secret of ['123:ABC', 's3cret', 'hunter2']) expect(stored).not.toContain(secret);
	});

	it('pages newest first, filters by kind, and says when older entries remain', async () => {
		const engine = await db();
		for (let i = 0; i < 120; i++)
			recordActivity(engine, T0 + i, {
				kind: i % 3 === 0 ? 'backup' : 'rotation',
				message: `entry ${i}`,
			});
		const first = activityPage(engine, {});
		expect(first.entries).toHaveLength(50);
		expect(first.entries[0]!.message).toBe('entry 119');
		expect(first.more).toBe(true);
		const seen: ActivityEntry[] = [];
		let page = activityPage(engine, { kind: 'backup', limit: 15 });
		seen.push(...page.entries);
		while (page.more) {
			page = activityPage(engine, { kind: 'backup', limit: 15, beforeId: seen.at(-1)!.id });
			seen.push(...page.entries);
		}
		expect(seen).toHaveLength(40);
		expect(seen.every((e) => e.kind === 'backup')).toBe(true);
		expect(seen.map((e) => e.at)).toEqual([...seen.map((e) => e.at)].sort((a, b) => b - a));
	});

	it('reads rows it did not write (an edited or imported file) as "other", and refuses bad queries', async () => {
		const engine = await db();
		engine.run(
			"INSERT INTO app_log (time, level, message, context) VALUES (1, 'debug', 'by hand', NULL), (2, 'warn', 'later app', '{\"kind\":\"teleport\",\"details\":[1]}')",
		);
		const { entries } = activityPage(engine, {});
		expect(entries.map((e) => [e.kind, e.level, e.details])).toEqual([
			['other', 'warn', null],
			['other', 'info', null],
		]);
		expect(activityPage(engine, { kind: 'other' }).entries).toHaveLength(2);
		expect(activityPage(engine, { kind: 'backup' }).entries).toHaveLength(0);
		for (const bad of [{ kind: 'teleport' }, { limit: 0 }, { limit: 1001 }, { beforeId: -1 }])
			expect(() => activityPage(engine, bad)).toThrow(AppError);
	});

	it('keeps 30 days unless told 1–365, and rotation deletes only what is older', async () => {
		const engine = await db();
		expect(activityDays(engine)).toBe(30);
		for (const bad of [0, 366, 2.5, 'x'])
			expect(() => setActivityDays(engine, { days: bad }, T0)).toThrow(AppError);
		expect(activityDays(engine)).toBe(30);
		setActivityDays(engine, { days: 7 }, T0);
		expect(activityDays(engine)).toBe(7);
		const DAY = 86_400_000;
		for (let d = 0; d < 10; d++)
			recordActivity(engine, T0 - d * DAY, { kind: 'backup', message: `day ${d}` });
		expect(deleteActivityBefore(engine, T0 - 7 * DAY + 1, 2)).toBe(2);
		expect(deleteActivityBefore(engine, T0 - 7 * DAY + 1, 2)).toBe(1);
		// Listed in the order they were written, newest first (here the oldest day was written last).
		expect(activityPage(engine, {}).entries.map((e) => e.message)).toEqual(
			Array.from({ length: 7 }, (_, d) => `day ${6 - d}`),
		);
	});

	it('saves as CSV with every field quoted', () => {
		const csv = activityCsv([
			{
				id: 1,
				at: T0,
				kind: 'alert',
				level: 'error',
				message: 'said "no", twice',
				details: { code: 'x' },
			},
		]);
		expect(csv).toBe(
			'time,kind,level,message,details\r\n"2026-12-01T12:00:00.000Z","alert","error","said ""no"", twice","{""code"":""x""}"\r\n',
		);
	});

	it('is printed by the CLI, newest first, with --limit', async () => {
		const engine = await db();
		for (let i = 0; i < 3; i++)
			recordActivity(engine, T0 + i * 1000, { kind: 'backup', message: `Backup #${i} made.` });
		const dir = mkdtempSync(join(tmpdir(), 'monitor-log-'));
		writeFileSync(join(dir, 'monitor.db'), engine.db.export());
		const before = readFileSync(join(dir, 'monitor.db'));
		const out: string[] = [];
		const io = { out: (l: string) => out.push(l), err: () => {}, cwd: dir, now: () => T0 };
		expect(await main(['log', '--limit', '2', 'monitor.db'], io)).toBe(0);
		expect(out).toEqual([
			'2026-12-01T12:00:02.000Z  backup      info  Backup #2 made.',
			'2026-12-01T12:00:01.000Z  backup      info  Backup #1 made.',
		]);
		const errors: string[] = [];
		expect(
			await main(['log', '--limit', '0', 'monitor.db'], { ...io, err: (l) => errors.push(l) }),
		).toBe(2);
		expect(errors[0]).toMatch(/--limit takes a whole number/);
		expect(readFileSync(join(dir, 'monitor.db')).equals(before)).toBe(true);
	});

	it('a compaction run is one line with its counts and time', async () => {
		const engine = await db();
		recordActivity(engine, T0, compactionEntry({ blocks: 100, checks: 6000 }, 142.4));
		recordActivity(engine, T0, compactionEntry({ blocks: 1, checks: 1 }, 3));
		const [one, many] = activityPage(engine, { kind: 'maintenance' }).entries;
		expect(many!.message).toBe('Compaction packed 6,000 checks into 100 history blocks (142 ms).');
		expect(one!.message).toBe('Compaction packed 1 check into 1 history block (3 ms).');
		expect(many!.details).toEqual({ blocks: 100, checks: 6000, ms: 142 });
	});
});
