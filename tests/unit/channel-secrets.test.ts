/**
 * A channel's secret is sealed like a bot token or a monitor's headers: under a passphrase nothing of it
 * stays in the file, it is bound to its row, it waits for the passphrase after a restart (and so do its
 * alerts), it comes back in clear when the passphrase is removed, and a forgotten passphrase marks it for
 * re-entry. Real sql.js, real WebCrypto.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { Account } from '../../src/worker/domain/account/account';
import { vault } from '../../src/worker/domain/account/vault';
import { revealChannelSecret } from '../../src/worker/domain/alerts/channel-driver';
import {
	listChannels,
	prepareChannel,
	storeChannel,
	testChannel,
} from '../../src/worker/domain/alerts/service';
import { findStoredChannel } from '../../src/worker/stores/channels';
import { dueChannelMessages } from '../../src/worker/stores/channel-outbox';
import { loadSql, realMigrations } from './helpers';

const T = Date.UTC(2026, 11, 7, 12);
const PASS = 'correct horse battery staple';

afterEach(() => vault.forget());

async function world() {
	const store = new MemoryImageStore();
	const open = async () => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store,
			writerId: `w${Math.random()}`,
			now: () => T,
		});
		const account = new Account(db, { now: () => T, iterations: 100_000, browser: 'test' });
		await account.start();
		account.stop();
		return { db, account };
	};
	const first = await open();
	const e = first.db.engine;
	const prepared = await prepareChannel(e, {
		kind: 'ntfy',
		name: 'Phone',
		config: { server: 'http://127.0.0.2:9', topic: 'alerts' },
		secret: { token: 'tk_sekrit-ntfy-token' },
		enabled: true,
	});
	const channel = await first.db.write(() => storeChannel(e, prepared, T));
	const fileBytes = async () => Buffer.from((await store.load())!.image);
	const restart = async () => {
		vault.forget();
		return open();
	};
	return { ...first, channel, fileBytes, restart };
}

describe('channel secrets', () => {
	it('are sealed when a passphrase is set, bound to their row, and wait for it after a restart', async () => {
		const w = await world();
		expect((await w.fileBytes()).includes('tk_sekrit-ntfy-token')).toBe(true);
		expect(w.account.status().inClear.channels).toBe(1);

		await w.account.setPassphrase(PASS);
		expect((await w.fileBytes()).includes('tk_sekrit-ntfy-token')).toBe(false);
		const stored = findStoredChannel(w.db.engine, w.channel.id)!.storedSecret;
		expect(stored).toMatch(/^"enc:v2:/);
		expect(revealChannelSecret(w.channel.id, stored)).toEqual({ token: 'tk_sekrit-ntfy-token' });
		// Bound to its row: the same ciphertext does not open as another channel's.
		expect(revealChannelSecret(w.channel.id + 1, stored)).toBeNull();
		expect(w.account.status().inClear.channels).toBe(0);

		// An edit that leaves the secret empty keeps it (sealed again for the same row).
		const again = await prepareChannel(w.db.engine, {
			id: w.channel.id,
			kind: 'ntfy',
			name: 'Phone (renamed)',
			config: { server: 'http://127.0.0.2:9', topic: 'alerts' },
			secret: {},
			enabled: true,
		});
		await w.db.write(() => storeChannel(w.db.engine, again, T));
		const kept = findStoredChannel(w.db.engine, w.channel.id)!.storedSecret;
		expect(revealChannelSecret(w.channel.id, kept)).toEqual({ token: 'tk_sekrit-ntfy-token' });
		await w.db.write(() => testChannel(w.db.engine, w.channel.id, T));

		const { db, account } = await w.restart();
		expect(account.status()).toMatchObject({ locked: true, waiting: { alerts: 1 } });
		expect(dueChannelMessages(db.engine, T, vault.hasKey)).toEqual([]);
		await account.unlock(PASS);
		expect(dueChannelMessages(db.engine, T, vault.hasKey)).toHaveLength(1);
		expect(JSON.stringify(listChannels(db.engine))).not.toContain('sekrit');
	});

	it('come back in clear when the passphrase is removed, and are marked for re-entry when it is forgotten', async () => {
		const w = await world();
		await w.account.setPassphrase(PASS);
		await w.account.removePassphrase(PASS);
		expect(findStoredChannel(w.db.engine, w.channel.id)!.storedSecret).toBe(
			'{"token":"tk_sekrit-ntfy-token"}',
		);

		await w.account.setPassphrase(PASS);
		const { db, account } = await w.restart();
		await account.resetForgotten();
		expect(findStoredChannel(db.engine, w.channel.id)).toMatchObject({
			storedSecret: '{}',
			needsSecret: true,
		});
		expect(account.status().needsReentry.channels).toBe(1);
	});
});
