/**
 * Secrets in a merge: a file whose tokens and headers are sealed with its own passphrase gives them up
 * only with that passphrase, and they are sealed again for their new rows under this device's
 * passphrase (or kept in clear when it has none); without the passphrase they are left out and marked
 * for re-entry; a wrong one is refused with nothing changed.
 */
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MERGE_CHOICES } from '../../src/shared/merge';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { Account } from '../../src/worker/domain/account/account';
import { adoptSecrets, afterSwap } from '../../src/worker/domain/account/incoming';
import { vault } from '../../src/worker/domain/account/vault';
import { commitMerge } from '../../src/worker/domain/import/merge-session';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { exportDatabase } from '../../src/worker/domain/transfer';
import { zlibCompression } from '../../src/worker/stores/history/zlib-compression';
import { placeOf } from '../../src/worker/stores/secrets';
import { saveBot } from '../../src/worker/stores/telegram-bots';
import { loadSql, realMigrations } from './helpers';
import { fingerprint, inspect, live, refused } from './import-harness';

const TOKEN = '123456789:AAFakeTokenForMergeTests_abcdefghijklmno';
const HEADERS = '{"Authorization":"Bearer sekrit-123"}';
const THEIRS = 'their passphrase, long enough';
const OURS = 'our passphrase, also long enough';
const time = Date.UTC(2026, 11, 1);
const compression = zlibCompression(zlib);

afterEach(() => vault.forget());

/** A device with a passphrase; `monitors`: what it watches (URL path and headers). */
async function sealedDevice(passphrase: string, monitors: string[]) {
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		files: await realMigrations(),
		store: new MemoryImageStore(),
		backups: new MemoryBackupStore(),
		writerId: `w${Math.random()}`,
		snapshots: false,
		secrets: { adopt: adoptSecrets, afterSwap },
		now: () => time,
	});
	const account = new Account(db, { now: () => time, iterations: 100_000 });
	await account.start();
	account.stop();
	await db.write(() => {
		for (const path of monitors)
			createMonitor(
				db.engine,
				{
					name: path,
					url: `http://127.0.0.2:9/${path}`,
					intervalS: 60,
					headers: JSON.parse(HEADERS) as Record<string, string>,
				},
				time,
			);
		saveBot(
			db.engine,
			TOKEN,
			'123456789:…',
			{ id: 123456789, is_bot: true, first_name: 'A' },
			time,
		);
	});
	await account.setPassphrase(passphrase);
	return db;
}

/** Their export, sealed with their passphrase; this worker's vault forgets their key, as another device's would. */
async function theirFile() {
	const theirs = await sealedDevice(THEIRS, ['api']);
	const { bytes } = await exportDatabase(theirs, time);
	expect(Buffer.from(bytes).includes('sekrit-123')).toBe(false);
	vault.forget();
	return { bytes, name: 'theirs.db' };
}

const merge = async (
	db: LiveDatabase,
	file: { bytes: Uint8Array; name: string },
	passphrase: string | null,
) => {
	const { token } = await inspect(db, { ...file, bytes: file.bytes.slice() });
	return commitMerge(db, { token, choices: DEFAULT_MERGE_CHOICES, passphrase }, compression, time);
};

describe('secrets in a merge', () => {
	it('without the file’s passphrase: left out, marked for re-entry, and counted', async () => {
		const file = await theirFile();
		const here = await live();
		const { report } = await merge(here.db, file, null);
		expect(report.secretsSkipped).toEqual({ monitors: 1, bots: 1 });
		const e = here.db.engine;
		expect(e.get("SELECT headers, needs_headers FROM monitors WHERE url LIKE '%/api'")).toEqual({
			headers: '{}',
			needs_headers: 1,
		});
		expect(e.get('SELECT needs_token FROM telegram_bots')).toEqual({ needs_token: 1 });
	});

	it('with it, into a database without a passphrase: carried over in clear', async () => {
		const file = await theirFile();
		const here = await live();
		const { report } = await merge(here.db, file, THEIRS);
		expect(report.secretsSkipped).toEqual({ monitors: 0, bots: 0 });
		const e = here.db.engine;
		expect(e.value("SELECT headers FROM monitors WHERE url LIKE '%/api'")).toBe(HEADERS);
		expect(e.value('SELECT token FROM telegram_bots')).toBe(TOKEN);
	});

	it('with it, into a database with its own passphrase: sealed again for the new row', async () => {
		const file = await theirFile();
		const here = await sealedDevice(OURS, ['mine-1', 'mine-2']);
		await merge(here, file, THEIRS);
		const row = here.engine.get<{ id: number; headers: string }>(
			"SELECT id, headers FROM monitors WHERE url LIKE '%/api'",
		)!;
		const sealed = JSON.parse(row.headers) as string;
		expect(sealed.startsWith('enc:')).toBe(true);
		expect(vault.reveal(sealed, placeOf('monitors', row.id, 'headers'))).toBe(HEADERS);
		// Bound to its new row: the file's row id (1) is another monitor here.
		expect(row.id).not.toBe(1);
	});

	it('a wrong passphrase is refused and nothing changes; the merge can be tried again', async () => {
		const file = await theirFile();
		const here = await live();
		const { token } = await inspect(here.db, file);
		const before = await fingerprint(here);
		const request = { token, choices: DEFAULT_MERGE_CHOICES, passphrase: 'not it at all' };
		expect((await refused(commitMerge(here.db, request, compression, time))).code).toBe(
			'wrong-passphrase',
		);
		expect(await fingerprint(here)).toBe(before);
		const { report } = await commitMerge(
			here.db,
			{ ...request, passphrase: THEIRS },
			compression,
			time,
		);
		expect(report.secretsSkipped).toEqual({ monitors: 0, bots: 0 });
	});
});
