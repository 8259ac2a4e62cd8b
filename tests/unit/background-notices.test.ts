/**
 * Background failures reach the person (issue 19, item 14): a job's failure becomes a `notice` event for
 * every window, with a stable code, told once per kind and window of time, not only logged.
 */
import { describe, expect, it, vi } from 'vitest';
import { AppError, type BackgroundNotice } from '../../src/shared/errors';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { backgroundReporter, REPEAT_AFTER_MS } from '../../src/worker/runtime/background-notices';
import { OwnerRuntime } from '../../src/worker/runtime/tabs/owner';
import { loadSql, realMigrations } from './helpers';

const build = { id: 'b1', time: 1, schema: 1 };

describe('background notices', () => {
	it('a failing owner job reaches every window as a notice with a stable code', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store: new MemoryImageStore(),
			writerId: 'w',
		});
		const events: [string, unknown][] = [];
		const runtime = new OwnerRuntime(db, build, {
			emit: (event, payload) => events.push([event, payload]),
			jobs: [
				{
					name: 'failing',
					start(ctx) {
						ctx.report('Rotating history failed', new Error('disk I/O error'));
						ctx.report('Recording a check failed', new AppError('quota-exceeded'));
						return () => {};
					},
				},
			],
		});
		runtime.stop();
		expect(events.filter(([e]) => e === 'notice').map(([, p]) => p)).toEqual([
			{ what: 'Rotating history failed', code: 'background-failed', message: 'disk I/O error' },
			expect.objectContaining({ what: 'Recording a check failed', code: 'quota-exceeded' }),
		]);
		// And each is in the activity log, with its code, once it is written.
		await vi.waitFor(() =>
			expect(
				db.engine.all<{ message: string; level: string; context: string }>(
					'SELECT message, level, context FROM app_log ORDER BY id',
				),
			).toEqual([
				{
					message: 'Rotating history failed: disk I/O error',
					level: 'error',
					context: JSON.stringify({ kind: 'job', details: { code: 'background-failed' } }),
				},
				expect.objectContaining({
					level: 'error',
					context: JSON.stringify({ kind: 'job', details: { code: 'quota-exceeded' } }),
				}),
			]),
		);
	});

	it('tells the same failure once per ten minutes, and another one at once', () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		let time = 0;
		const told: BackgroundNotice[] = [];
		const report = backgroundReporter(
			(n) => told.push(n),
			() => time,
		);
		for (let i = 0; i < 50; i++) report('Evaluating database health failed', new Error('x'));
		report('Delivering Telegram messages failed', new Error('y'));
		expect(told.map((n) => n.what)).toEqual([
			'Evaluating database health failed',
			'Delivering Telegram messages failed',
		]);
		time += REPEAT_AFTER_MS;
		report('Evaluating database health failed', new Error('x'));
		expect(told).toHaveLength(3);
	});
});
