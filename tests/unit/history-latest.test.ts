/**
 * A monitor's last check and check bar after compaction moved all of its checks into blocks (a monitor not
 * checked for over a day): the list and the monitor page read them from its newest block, exactly as they
 * read while the checks were rows.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/shared/checks';
import { recordCheck } from '../../src/worker/domain/checks/record';
import { compact } from '../../src/worker/domain/history/compaction';
import { detail, overview } from '../../src/worker/domain/history/history';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import type { Compression } from '../../src/worker/stores/history/compression';
import { compression, database, DAY, FROM, migrated } from './history-store';

const OUTCOMES: Outcome[] = ['up', 'up', 'degraded', 'down', 'up'];

/** `count` checks a minute apart through the app's recorder, ending with `last`'s outcome. */
async function monitorWithChecks(count: number, name: string) {
	const engine = await migrated();
	const monitor = createMonitor(
		engine,
		{ name, url: `http://127.0.0.2:9/${name}`, intervalS: 60 },
		FROM,
	);
	engine.transaction(() => {
		for (let i = 0; i < count; i++) {
			const dueAt = FROM + i * 60_000;
			const outcome = OUTCOMES[i % OUTCOMES.length]!;
			recordCheck(engine, {
				monitorId: monitor.id,
				retries: 0,
				dueAt,
				observation: {
					startedAt: dueAt + 3,
					durationMs: 80 + (i % 7) * 11.3,
					outcome,
					httpStatus: outcome === 'down' ? null : 200,
					message: outcome === 'down' ? 'No answer within 10 s' : `HTTP 200 in ${80 + i} ms`,
					corsBlocked: false,
				},
				nextDueAt: dueAt + 60_000,
				retryAt: dueAt + 20_000,
			});
		}
	});
	return { engine, monitorId: monitor.id };
}

const counting = () => {
	const inflated = { count: 0 };
	const wrapped: Compression = {
		name: 'counting',
		deflate: (data) => compression.deflate(data),
		inflate: (data, length) => {
			inflated.count++;
			return compression.inflate(data, length);
		},
	};
	return { inflated, wrapped };
};

const rowCount = (engine: Awaited<ReturnType<typeof migrated>>) =>
	Number(engine.value('SELECT count(*) FROM checks'));

describe("a compacted monitor's latest checks", () => {
	it('the list shows the same last check (time, outcome, duration) and check bar after compaction', async () => {
		const { engine, monitorId } = await monitorWithChecks(45, 'quiet');
		const now = FROM + 3 * DAY;
		const before = await overview(engine, compression, now);
		expect(before[0]!.status.lastCheck).not.toBeNull();
		expect(before[0]!.recent).toHaveLength(30);

		const result = await compact(database(engine), now, { compression, pause: async () => {} });
		expect(result.checks).toBe(45);
		expect(rowCount(engine)).toBe(0);

		const after = await overview(engine, compression, now);
		expect(after).toEqual(before);
		const last = after[0]!.status.lastCheck!;
		expect(last.startedAt).toBe(FROM + 44 * 60_000 + 3);
		expect(last.outcome).toBe('up');
		expect(last.durationMs).toBe(before[0]!.status.lastCheck!.durationMs);
		const page = await detail(engine, compression, monitorId, '24h', now);
		expect(page.status).toEqual(before[0]!.status);
		expect(page.recent).toEqual(before[0]!.recent);
	});

	it('inflates only the newest block, once, however often the list is read', async () => {
		// Three days of checks: 12 six-hour blocks after compaction.
		const { engine } = await monitorWithChecks(3 * 1440, 'long');
		const now = FROM + 5 * DAY;
		const before = await overview(engine, compression, now);
		await compact(database(engine), now, { compression, pause: async () => {} });
		expect(Number(engine.value('SELECT count(*) FROM history_blocks'))).toBe(12);
		const { inflated, wrapped } = counting();
		expect(await overview(engine, wrapped, now)).toEqual(before);
		expect(inflated.count).toBe(2); // the newest block's two streams
		for (let i = 0; i < 3; i++) await overview(engine, wrapped, now);
		expect(inflated.count).toBe(2);
	});

	it('a monitor with rows reads none of its blocks', async () => {
		const { engine } = await monitorWithChecks(2 * 1440, 'busy');
		const now = FROM + 2 * DAY;
		await compact(database(engine), now, { compression, pause: async () => {} });
		expect(rowCount(engine)).toBeGreaterThan(0);
		expect(Number(engine.value('SELECT count(*) FROM history_blocks'))).toBeGreaterThan(0);
		const { inflated, wrapped } = counting();
		const [shown] = await overview(engine, wrapped, now);
		expect(inflated.count).toBe(0);
		expect(shown!.status.lastCheck!.startedAt).toBe(FROM + (2 * 1440 - 1) * 60_000 + 3);
	});
});
