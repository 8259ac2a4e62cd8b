/**
 * A pending alert whose channel secret is sealed but does not open here (damaged, or copied from
 * another row: the vault leaves it unreadable, as if locked) is due yet never deliverable. The
 * dispatcher must wait for something to change instead of polling for it twenty times a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { vault } from '../../src/worker/domain/account/vault';
import { Dispatcher, type DispatchEnv } from '../../src/worker/domain/telegram/dispatcher';
import { enqueueForChannel } from '../../src/worker/stores/channel-outbox';
import { loadSql, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

afterEach(() => vault.forget());

describe('the outbox dispatcher', () => {
	it('does not spin on a due message whose channel secret cannot be opened', async () => {
		let time = T0;
		const timers: { at: number; fn: () => void }[] = [];
		let passes = 0;
		const env: DispatchEnv = {
			fetch: () => Promise.reject(new Error('nothing may be sent')),
			now: () => time,
			setTimer: (fn, ms) => {
				const timer = { at: time + ms, fn };
				timers.push(timer);
				return timer;
			},
			clearTimer: (handle) => {
				const i = timers.indexOf(handle as (typeof timers)[number]);
				if (i >= 0) timers.splice(i, 1);
			},
			online: () => {
				passes++;
				return true;
			},
		};
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store: new MemoryImageStore(),
			backups: new MemoryBackupStore(),
			writerId: `w${Math.random()}`,
			now: () => time,
		});
		const e = db.engine;
		await db.write(() => {
			e.run(
				`INSERT INTO channels (id, kind, name, config, secret, created_at, updated_at)
				 VALUES (1, 'ntfy', 'Phone', '{"server":"http://127.0.0.1:9","topic":"a"}', '"enc:v1:damaged"', ?, ?)`,
				[T0, T0],
			);
			enqueueForChannel(e, { kind: 'test', text: 'Test', payload: null, channelId: 1, now: T0 });
		});
		const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
			'encrypt',
			'decrypt',
		]);
		await vault.useKey(key, [{ sealed: 'enc:v1:damaged', place: 'channels.secret#1' }]);

		const dispatcher = new Dispatcher(db, env);
		await dispatcher.start();
		const until = time + 10_000;
		for (;;) {
			await dispatcher.idle();
			const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
			if (!next) break;
			timers.splice(timers.indexOf(next), 1);
			time = Math.max(time, next.at);
			next.fn();
		}
		dispatcher.stop();
		expect(e.value('SELECT status FROM outbox')).toBe('pending');
		// Ten seconds: a pass a second at most (it spun every 50 ms: 200 passes).
		expect(passes).toBeLessThanOrEqual(11);
	});
});
