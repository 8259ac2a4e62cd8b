/**
 * A cold open answers the calls that waited for the database before the owner's jobs start (issue 22):
 * starting them (the scheduler reading every monitor, the first prune and health sample) took 30-40 ms
 * of the monitor list's first answer on W. They still start, in a task of their own, and never after a
 * stop.
 */
import { describe, expect, it } from 'vitest';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { OwnerRuntime } from '../../src/worker/runtime/tabs/owner';
import { loadSql, realMigrations } from './helpers';

const build = { id: 'b1', time: 1, schema: 1 };

async function open(): Promise<LiveDatabase> {
	return LiveDatabase.open({
		SQL: await loadSql(),
		files: await realMigrations(),
		store: new MemoryImageStore(),
		writerId: 'w',
	});
}

describe('owner start', () => {
	it('answers the first calls before its jobs start, then starts them', async () => {
		const db = await open();
		const order: string[] = [];
		const runtime = new OwnerRuntime(db, build, {
			jobs: [
				{
					name: 'recording',
					start() {
						order.push('jobs started');
						return () => order.push('jobs stopped');
					},
				},
			],
		});
		const answered = Promise.all([
			runtime.serve('w:1', 'tags.list', undefined, build),
			runtime.serve('w:2', 'database.status', undefined, build),
		]).then((results) => {
			order.push('answered');
			return results;
		});
		expect(order).toEqual([]);
		const results = await answered;
		expect(results.map((r) => r.ok)).toEqual([true, true]);
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(order).toEqual(['answered', 'jobs started']);
		runtime.stop();
		expect(order).toEqual(['answered', 'jobs started', 'jobs stopped']);
	});

	it('never starts its jobs once stopped', async () => {
		const db = await open();
		let started = 0;
		const runtime = new OwnerRuntime(db, build, {
			jobs: [{ name: 'counting', start: () => (started++, () => {}) }],
		});
		runtime.stop();
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(started).toBe(0);
	});
});
