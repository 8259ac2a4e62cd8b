/**
 * A task retried after a hand-over runs once (runtime/handlers/once.ts): the follower sends the call
 * still unanswered to the new owner under the same request id, and the new owner answers from the
 * `_requests` ledger what the first owner did. The hand-over is the real one between two owners: the
 * second opens the same stored database after the first is gone.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { dispatch, type HandlerContext } from '../../src/worker/runtime/handlers';
import { loadSql, realMigrations } from './helpers';

const time = Date.UTC(2026, 11, 7, 12);

function owners() {
	const store = new MemoryImageStore();
	const backups = new MemoryBackupStore();
	let n = 0;
	const owner = async (): Promise<HandlerContext> => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store,
			backups,
			writerId: `owner-${++n}`,
			now: () => time,
		});
		return { db, now: () => time, services: {}, report: () => undefined };
	};
	return { owner };
}

describe('tasks across a hand-over', () => {
	it('a backup asked for once is made once, and the retry gets the first answer', async () => {
		const { owner } = owners();
		const first = await owner();
		const made = await dispatch(first, 'backups.create', undefined, 'follower:7');
		// The first owner's window closes: the next one claims the stored database.

		const second = await owner();
		const again = await dispatch(second, 'backups.create', undefined, 'follower:7');
		expect(again).toEqual(made);
		expect((await second.db.listBackups()).filter((b) => b.reason === 'manual')).toHaveLength(1);

		// Another call (another id) is another backup: the ledger answers only the same call.
		await dispatch(second, 'backups.create', undefined, 'follower:8');
		expect((await second.db.listBackups()).filter((b) => b.reason === 'manual')).toHaveLength(2);
	});

	it('without a request id the task runs each time', async () => {
		const { owner } = owners();
		const ctx = await owner();
		await dispatch(ctx, 'backups.create', undefined);
		await dispatch(ctx, 'backups.create', undefined);
		expect((await ctx.db.listBackups()).filter((b) => b.reason === 'manual')).toHaveLength(2);
	});
});
