/**
 * The secrets in every copy of the database (issue 19, items 9 and 10): backups and the cold-open
 * snapshot are sealed with the passphrase, a new passphrase gets a new data key, and each ciphertext
 * opens only in its own row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadBackup } from '../../src/worker/core/backups/backups';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { Account } from '../../src/worker/domain/account/account';
import { adoptSecrets, afterSwap } from '../../src/worker/domain/account/incoming';
import { deriveKey, open, seal, unwrap } from '../../src/worker/domain/account/crypto';
import { vault } from '../../src/worker/domain/account/vault';
import { createMonitor, listMonitors } from '../../src/worker/domain/monitors/service';
import { botSecrets } from '../../src/worker/domain/telegram/bots';
import { saveBot } from '../../src/worker/stores/telegram-bots';
import { loadSql, realMigrations } from './helpers';

const TOKEN = '123456789:AAFakeTokenForCopiesTests_abcdefghijklmn';
const SECRET = TOKEN.split(':')[1]!;
const PASSPHRASE = 'correct horse battery staple';
const ITERATIONS = 100_000;
const time = Date.UTC(2026, 10, 26, 12);

afterEach(() => vault.forget());

async function world() {
	const store = new MemoryImageStore();
	const backups = new MemoryBackupStore();
	const start = async () => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store,
			backups,
			writerId: `w${Math.random()}`,
			snapshots: false,
			secrets: { adopt: adoptSecrets, afterSwap },
			now: () => time,
		});
		const account = new Account(db, { now: () => time, iterations: ITERATIONS });
		await account.start();
		account.stop();
		return { db, account };
	};
	const first = await start();
	const e = first.db.engine;
	await first.db.write(() => {
		createMonitor(
			e,
			{
				name: 'API',
				url: 'http://127.0.0.2:9/api',
				intervalS: 60,
				headers: { Authorization: 'Bearer sekrit-123' },
			},
			time,
		);
		createMonitor(
			e,
			{
				name: 'Other',
				url: 'http://127.0.0.2:9/other',
				intervalS: 60,
				headers: { Authorization: 'Bearer other-456' },
			},
			time,
		);
		saveBot(e, TOKEN, '123456789:…', { id: 123456789, is_bot: true, first_name: 'A' }, time);
	});
	const restart = () => {
		vault.forget();
		return start();
	};
	/** Every backup's database file, decoded. */
	const backupImages = async () =>
		Promise.all(
			(await backups.list()).map(async (b) => Buffer.from((await loadBackup(backups, b.id)).image)),
		);
	return { ...first, store, backups, restart, backupImages };
}

const holdsSecret = (bytes: Buffer) =>
	bytes.includes(SECRET) || bytes.includes('sekrit-123') || bytes.includes('other-456');

describe('setting a passphrase seals every copy', () => {
	it('seals older backups and rewrites the snapshot: no secret stays in clear anywhere', async () => {
		const w = await world();
		await w.db.createBackup('manual');
		await w.db.createBackup('before-import', 'of test.db');
		// The cold-open snapshot is a second full copy of the file, taken while the secrets were in clear.
		expect(await w.db.persister.snapshot()).toBe(true);
		expect(holdsSecret(Buffer.from(w.store.snapshot!.bytes))).toBe(true);
		const before = await w.backupImages();
		expect(before.every(holdsSecret)).toBe(true);

		const result = await w.account.setPassphrase(PASSPHRASE, 'seal');
		expect(result.backups).toEqual({ sealed: 2, deleted: 0, failed: 0 });

		expect(holdsSecret(Buffer.from(w.store.snapshot!.bytes))).toBe(false);
		const after = await w.backupImages();
		expect(after).toHaveLength(2);
		for (const image of after) expect(holdsSecret(image)).toBe(false);
		// Each keeps what it recorded.
		expect((await w.backups.list()).map((b) => [b.reason, b.detail]).sort()).toEqual([
			['before-import', 'of test.db'],
			['manual', null],
		]);

		// A sealed backup restores with its secrets, after a restart and an unlock.
		const { db, account } = await w.restart();
		await account.unlock(PASSPHRASE);
		const manual = (await db.listBackups()).find((b) => b.reason === 'manual')!;
		await db.restoreBackup(manual.id);
		expect(listMonitors(db.engine).find((m) => m.name === 'API')!.headers).toEqual({
			Authorization: 'Bearer sekrit-123',
		});
	});

	it('or deletes the backups holding secrets in clear, if the person chooses that', async () => {
		const w = await world();
		await w.db.createBackup('manual');
		const result = await w.account.setPassphrase(PASSPHRASE, 'delete');
		expect(result.backups).toMatchObject({ sealed: 0, deleted: 1 });
		// Only the live database's own backups remain: none from before the passphrase.
		for (const image of await w.backupImages()) expect(holdsSecret(image)).toBe(false);
	});
});

describe('changing the passphrase', () => {
	it('makes a new data key: the old passphrase and an old export open none of the new secrets', async () => {
		const w = await world();
		await w.account.setPassphrase(PASSPHRASE);
		const oldExport = w.db.engine.db.export();
		await w.db.createBackup('manual');
		await w.account.changePassphrase(PASSPHRASE, 'a whole new passphrase');

		// What the old export and the old passphrase give: the old data key.
		const SQL = await loadSql();
		const old = new SQL.Database(oldExport);
		const [row] = old.exec('SELECT salt, wrapped_key, wrap_iv, iterations FROM users')[0]!.values;
		old.close();
		const oldKey = (
			await unwrap(
				{
					wrapped: row![1] as Uint8Array<ArrayBuffer>,
					iv: row![2] as Uint8Array<ArrayBuffer>,
				},
				await deriveKey(PASSPHRASE, row![0] as Uint8Array<ArrayBuffer>, Number(row![3])),
			)
		).key;
		const token = String(w.db.engine.value('SELECT token FROM telegram_bots'));
		const id = Number(w.db.engine.value('SELECT id FROM telegram_bots'));
		await expect(open(oldKey, token, `telegram_bots.token#${id}`)).rejects.toThrow();
		for (const m of w.db.engine.all<{ id: number; headers: string }>(
			'SELECT id, headers FROM monitors',
		)) {
			await expect(
				open(oldKey, JSON.parse(m.headers) as string, `monitors.headers#${m.id}`),
			).rejects.toThrow();
		}
		// The backup made under the old key was sealed again under the new one.
		const [backup] = await w.backupImages();
		const inBackup = new SQL.Database(backup);
		const backupToken = String(inBackup.exec('SELECT token FROM telegram_bots')[0]!.values[0]![0]);
		inBackup.close();
		await expect(open(oldKey, backupToken, `telegram_bots.token#${id}`)).rejects.toThrow();
		expect(await open(vault.key!, backupToken, `telegram_bots.token#${id}`)).toBe(TOKEN);

		// The new passphrase opens everything after a restart.
		const again = await w.restart();
		await again.account.unlock('a whole new passphrase');
		expect(botSecrets(again.db.engine)[0]!.token).toBe(TOKEN);
	});
});

describe('ciphertexts bound to their row', () => {
	it('a ciphertext moved to another row does not open there; the others still do', async () => {
		const w = await world();
		await w.account.setPassphrase(PASSPHRASE);
		const [api, other] = listMonitors(w.db.engine);
		const before = w.db.engine.get<{ headers: string }>(
			'SELECT headers FROM monitors WHERE id = ?',
			[api!.id],
		)!.headers;
		// Someone with the file copies one monitor's sealed headers over another's.
		await w.db.write(() =>
			w.db.engine.run('UPDATE monitors SET headers = ? WHERE id = ?', [before, other!.id]),
		);
		const { db, account } = await w.restart();
		await account.unlock(PASSPHRASE);
		const monitors = listMonitors(db.engine);
		expect(monitors.find((m) => m.id === api!.id)!.headers).toEqual({
			Authorization: 'Bearer sekrit-123',
		});
		expect(monitors.find((m) => m.id === other!.id)).toMatchObject({
			headers: {},
			secretsLocked: true,
		});
		expect(botSecrets(db.engine)[0]!.token).toBe(TOKEN);
	});

	it('values sealed before the binding (v1) still open, and are bound to their row at the next unlock', async () => {
		const w = await world();
		await w.account.setPassphrase(PASSPHRASE);
		const key = vault.key!;
		// A v1 envelope, as the first version sealed it: AES-GCM with no additional data.
		const iv = crypto.getRandomValues(new Uint8Array(12));
		const data = new Uint8Array(
			await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(TOKEN)),
		);
		const v1 = `enc:v1:${Buffer.from(iv).toString('base64')}:${Buffer.from(data).toString('base64')}`;
		await w.db.write(() => w.db.engine.run('UPDATE telegram_bots SET token = ?', [v1]));

		const { db, account } = await w.restart();
		await account.unlock(PASSPHRASE);
		expect(botSecrets(db.engine)[0]!.token).toBe(TOKEN);
		const stored = String(db.engine.value('SELECT token FROM telegram_bots'));
		expect(stored).toMatch(/^enc:v2:/);
		const id = Number(db.engine.value('SELECT id FROM telegram_bots'));
		expect(await open(vault.key!, stored, `telegram_bots.token#${id}`)).toBe(TOKEN);
		await expect(open(vault.key!, stored, `telegram_bots.token#${id + 1}`)).rejects.toThrow();
		await expect(open(vault.key!, await seal(key, 'x', 'a'), 'b')).rejects.toThrow();
	});
});
