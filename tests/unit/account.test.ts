import { afterEach, describe, expect, it, vi } from 'vitest';
import { passphraseStrength } from '../../src/shared/account';
import { Account, attemptDelayS } from '../../src/worker/domain/account/account';
import {
	deriveKey,
	isSealed,
	newDataKey,
	newSalt,
	open,
	seal,
	unwrap,
	wrap,
} from '../../src/worker/domain/account/crypto';
import {
	adoptSecrets,
	afterSwap,
	checkIncomingPassphrase,
} from '../../src/worker/domain/account/incoming';
import { reserveRowId } from '../../src/worker/domain/account/places';
import { vault } from '../../src/worker/domain/account/vault';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import {
	createMonitor,
	listMonitors,
	storedRequest,
} from '../../src/worker/domain/monitors/service';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { botSecrets } from '../../src/worker/domain/telegram/bots';
import { saveBot } from '../../src/worker/stores/telegram-bots';
import { AppError } from '../../src/shared/errors';
import { loadSql, realMigrations } from './helpers';

const TOKEN = '123456789:AAFakeTokenForAccountTests_abcdefghijklm';
const HERE = 'monitors.headers#1';
/** The body is a secret like the headers (an API call's payload may hold a key). */
const BODY = { contentType: 'application/json', text: '{"apiKey":"sekrit-body-42"}' };
const ITERATIONS = 100_000;
let time = Date.UTC(2026, 10, 26, 12);

afterEach(() => {
	vault.forget();
	vi.restoreAllMocks();
});

async function world() {
	const store = new MemoryImageStore();
	const open = async (files?: Awaited<ReturnType<typeof realMigrations>>) => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: files ?? (await realMigrations()),
			store,
			writerId: `w${Math.random()}`,
			now: () => time,
		});
		const account = new Account(db, { now: () => time, iterations: ITERATIONS, browser: 'test' });
		await account.start();
		account.stop();
		return { db, account };
	};
	const first = await open();
	await first.db.write(() => {
		createMonitor(
			first.db.engine,
			{
				name: 'API',
				url: 'http://127.0.0.2:9/api',
				intervalS: 60,
				// Long enough to spill onto overflow pages, which are freed when the value is replaced: without
				// secure_delete their old bytes would stay in the file.
				headers: { Authorization: 'Bearer sekrit-123', 'X-Padding': 'sekrit-pad '.repeat(600) },
				method: 'POST',
				body: BODY,
			},
			time,
		);
		saveBot(
			first.db.engine,
			TOKEN,
			'123456789:…',
			{ id: 123456789, is_bot: true, first_name: 'Alerts' },
			time,
		);
	});
	/** The app closed and opened again: a new worker, without the key. */
	const restart = async (files?: Awaited<ReturnType<typeof realMigrations>>) => {
		vault.forget();
		return open(files);
	};
	const fileBytes = async () => {
		const stored = await store.load();
		return Buffer.from(stored!.image);
	};
	return { ...first, restart, fileBytes };
}

describe('crypto', () => {
	it('seals and opens a secret, and a wrong key or a changed byte cannot open it', async () => {
		const { key } = await newDataKey();
		const other = await newDataKey();
		const sealed = await seal(key, 'Bearer sekrit', HERE);
		expect(isSealed(sealed)).toBe(true);
		expect(sealed).not.toContain('sekrit');
		expect(await open(key, sealed, HERE)).toBe('Bearer sekrit');
		expect(await seal(key, 'Bearer sekrit', HERE)).not.toBe(sealed);
		await expect(open(other.key, sealed, HERE)).rejects.toThrow();
		const tampered = `${sealed.slice(0, -4)}AAAA`;
		await expect(open(key, tampered, HERE)).rejects.toThrow();
	});

	it('wraps the data key under the derived key; a wrong passphrase cannot unwrap it', async () => {
		const salt = newSalt();
		const data = await newDataKey();
		const wrapped = await wrap(
			data.raw,
			await deriveKey('correct horse battery', salt, ITERATIONS),
		);
		const back = await unwrap(wrapped, await deriveKey('correct horse battery', salt, ITERATIONS));
		expect(await open(back.key, await seal(data.key, 'x', HERE), HERE)).toBe('x');
		await expect(
			unwrap(wrapped, await deriveKey('wrong horse battery', salt, ITERATIONS)),
		).rejects.toThrow();
	});

	it('slows wrong attempts down after three, doubling to five minutes', () => {
		expect([1, 2, 3, 4, 5, 6, 12, 20].map(attemptDelayS)).toEqual([0, 0, 1, 2, 4, 8, 300, 300]);
	});

	it('hints at a passphrase’s strength', () => {
		expect(passphraseStrength('short').score).toBe(0);
		expect(passphraseStrength('password123').score).toBe(0);
		expect(passphraseStrength('correct horse battery staple').score).toBeGreaterThanOrEqual(3);
	});
});

describe('account', () => {
	it('over a schema from before the account (a failed migration left it read-only), there is simply no passphrase', async () => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			files: (await realMigrations()).filter((f) => f.id < 6),
			store: new MemoryImageStore(),
			writerId: 'old',
			now: () => time,
		});
		expect(db.engine.value("SELECT count(*) FROM sqlite_schema WHERE name = 'users'")).toBe(0);
		const account = new Account(db, { now: () => time, iterations: ITERATIONS });
		await account.start();
		account.stop();
		expect(account.locked).toBe(false);
		expect(account.status()).toMatchObject({
			hasPassphrase: false,
			locked: false,
			secretsAvailable: true,
			needsReentry: { bots: 0, monitors: 0, channels: 0 },
		});
	});

	it('counts the secrets an export would hold in clear: none without any, none once sealed', async () => {
		const w = await world();
		expect(w.account.status().inClear).toEqual({ bots: 1, monitors: 1, channels: 0 });
		await w.account.setPassphrase('correct horse battery staple');
		expect(w.account.status().inClear).toEqual({ bots: 0, monitors: 0, channels: 0 });
		await w.account.resetForgotten();
		// Removed for re-entry: nothing readable is left.
		expect(w.account.status().inClear).toEqual({ bots: 0, monitors: 0, channels: 0 });

		const bare = await LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store: new MemoryImageStore(),
			writerId: 'bare',
			now: () => time,
		});
		await bare.write(() =>
			createMonitor(
				bare.engine,
				{ name: 'Plain', url: 'http://127.0.0.2:9/p', intervalS: 60 },
				time,
			),
		);
		expect(new Account(bare).status()).toMatchObject({
			hasPassphrase: false,
			inClear: { bots: 0, monitors: 0, channels: 0 },
		});
	});

	it('stores headers and body as plain JSON objects without a passphrase', async () => {
		const w = await world();
		const body = { contentType: 'text/plain', text: 'ping' };
		const stored = await storedRequest(w.db.engine, { headers: { 'X-Api-Key': 'k' }, body }, 2);
		expect(JSON.parse(stored.headers)).toEqual({ 'X-Api-Key': 'k' });
		expect(JSON.parse(stored.body)).toEqual(body);
		expect((await storedRequest(w.db.engine, {}, 2)).body).toBe('{}');
	});

	it('encrypts every secret when a passphrase is set: nothing of them stays in the file', async () => {
		const w = await world();
		expect((await w.fileBytes()).includes('sekrit-123')).toBe(true);
		await w.account.setPassphrase('correct horse battery staple');

		const bytes = await w.fileBytes();
		const secretPart = TOKEN.split(':')[1]!;
		expect(bytes.includes(secretPart)).toBe(false);
		expect(bytes.includes(secretPart.slice(0, 12))).toBe(false);
		expect(bytes.includes('sekrit-123')).toBe(false);
		expect(String(w.db.engine.value('SELECT token FROM telegram_bots'))).toMatch(/^enc:v2:/);
		expect(String(w.db.engine.value('SELECT headers FROM monitors'))).toMatch(/^"enc:v2:/);
		expect(String(w.db.engine.value('SELECT body FROM monitors'))).toMatch(/^"enc:v2:/);
		expect(bytes.includes('sekrit-body-42')).toBe(false);
		// Still readable in this session.
		expect(bytes.includes('sekrit-pad')).toBe(false);
		expect(listMonitors(w.db.engine)[0]!.headers.Authorization).toBe('Bearer sekrit-123');
		expect(listMonitors(w.db.engine)[0]!.body).toEqual(BODY);
		expect(botSecrets(w.db.engine)[0]!.token).toBe(TOKEN);
		expect(w.db.engine.value('SELECT count(*) FROM sessions WHERE ended_at IS NULL')).toBe(1);
	});

	it('after a restart it is locked: sealed secrets wait, the rest works; unlocking brings them back', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { db, account } = await w.restart();

		expect(account.status()).toMatchObject({
			hasPassphrase: true,
			locked: true,
			secretsAvailable: false,
		});
		expect(account.status().waiting.monitors).toBe(1);
		const [monitor] = listMonitors(db.engine);
		expect(monitor).toMatchObject({ headers: {}, body: null, secretsLocked: true });
		expect(botSecrets(db.engine)).toEqual([]);
		// Everything else reads and writes as usual.
		await db.write(() =>
			createMonitor(
				db.engine,
				{ name: 'Public', url: 'http://127.0.0.2:9/public', intervalS: 60 },
				time,
			),
		);

		await account.unlock('correct horse battery staple');
		expect(account.status()).toMatchObject({ locked: false, secretsAvailable: true });
		expect(listMonitors(db.engine).find((m) => m.name === 'API')!.headers.Authorization).toBe(
			'Bearer sekrit-123',
		);
		expect(listMonitors(db.engine).find((m) => m.name === 'API')!.body).toEqual(BODY);
		expect(botSecrets(db.engine)[0]!.token).toBe(TOKEN);
	});

	it('binds a sealed body to its place: copied into another monitor’s row, it does not open there', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const e = w.db.engine;
		const sealedBody = String(e.value('SELECT body FROM monitors'));
		await w.db.write(() => {
			createMonitor(e, { name: 'Other', url: 'http://127.0.0.2:9/o', intervalS: 60 }, time);
			e.run("UPDATE monitors SET body = ? WHERE name = 'Other'", [sealedBody]);
		});
		const { db } = await w.restart();
		const again = await new Account(db, { now: () => time, iterations: ITERATIONS }).unlock(
			'correct horse battery staple',
		);
		expect(again.locked).toBe(false);
		const monitors = listMonitors(db.engine);
		expect(monitors.find((m) => m.name === 'API')!.body).toEqual(BODY);
		expect(monitors.find((m) => m.name === 'Other')).toMatchObject({
			body: null,
			secretsLocked: true,
		});
	});

	it('refuses a wrong passphrase and slows further attempts down, across restarts', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { account } = await w.restart();
		for (let i = 1; i <= 3; i++) {
			await expect(account.unlock(`wrong ${i}`)).rejects.toMatchObject({
				code: 'wrong-passphrase',
			});
		}
		await expect(account.unlock('correct horse battery staple')).rejects.toMatchObject({
			code: 'too-many-attempts',
		});
		const again = await w.restart();
		await expect(again.account.unlock('correct horse battery staple')).rejects.toMatchObject({
			code: 'too-many-attempts',
		});
		time += 1_500;
		await again.account.unlock('correct horse battery staple');
		expect(again.account.status()).toMatchObject({ locked: false, failedAttempts: 0 });
	});

	it('a wrong passphrase on a locked app (its key still in memory) leaves it locked; the right one unlocks', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		await w.account.lock();
		expect(w.account.status()).toMatchObject({ locked: true, secretsAvailable: true });
		await expect(w.account.unlock('wrong horse')).rejects.toMatchObject({
			code: 'wrong-passphrase',
		});
		// The failed attempt is written to `users`: that write must not reopen the app.
		expect(w.account.status()).toMatchObject({ locked: true, failedAttempts: 1 });
		await w.account.unlock('correct horse battery staple');
		expect(w.account.status()).toMatchObject({ locked: false, failedAttempts: 0 });
	});

	it('changes the passphrase, sealing every secret again, and removes it back to clear text', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const sealedToken = w.db.engine.value('SELECT token FROM telegram_bots');
		await w.account.changePassphrase('correct horse battery staple', 'a whole new passphrase');
		expect(w.db.engine.value('SELECT token FROM telegram_bots')).not.toBe(sealedToken);

		const { account, db } = await w.restart();
		await expect(account.unlock('correct horse battery staple')).rejects.toMatchObject({
			code: 'wrong-passphrase',
		});
		await account.unlock('a whole new passphrase');
		await account.removePassphrase('a whole new passphrase');
		expect(db.engine.value('SELECT token FROM telegram_bots')).toBe(TOKEN);
		expect(JSON.parse(String(db.engine.value('SELECT body FROM monitors')))).toEqual(BODY);
		expect(listMonitors(db.engine)[0]!.headers.Authorization).toBe('Bearer sekrit-123');
		expect(db.engine.value('SELECT count(*) FROM users')).toBe(0);
		expect(account.status()).toMatchObject({ hasPassphrase: false, locked: false });
	});

	it('a forgotten passphrase: removes the encrypted secrets only, marking them for re-entry', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { account, db } = await w.restart();
		await account.resetForgotten();

		expect(account.status()).toMatchObject({
			hasPassphrase: false,
			locked: false,
			needsReentry: { bots: 1, monitors: 1, channels: 0 },
		});
		const [monitor] = listMonitors(db.engine);
		expect(monitor).toMatchObject({
			name: 'API',
			headers: {},
			needsHeaders: true,
			body: null,
			needsBody: true,
		});
		expect(db.engine.value('SELECT username IS NULL AND needs_token = 1 FROM telegram_bots')).toBe(
			1,
		);
		expect(botSecrets(db.engine)).toEqual([]);
		expect(db.engine.value('SELECT count(*) FROM monitors')).toBe(1);
	});

	it('locks after the idle time, ending the session as idle; locking keeps the secrets readable', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		await w.account.setIdleMinutes(5);
		time += 4 * 60_000;
		await w.account.checkIdle();
		expect(w.account.status().locked).toBe(false);
		time += 2 * 60_000;
		await w.account.checkIdle();
		expect(w.account.status()).toMatchObject({ locked: true, secretsAvailable: true });
		expect(w.db.engine.value('SELECT ended_how FROM sessions ORDER BY id DESC LIMIT 1')).toBe(
			'idle',
		);
		expect(botSecrets(w.db.engine)[0]!.token).toBe(TOKEN);
		// The activity log tells it, without the passphrase or a token anywhere.
		expect(w.db.engine.all<{ message: string }>('SELECT message FROM app_log ORDER BY id')).toEqual(
			[{ message: 'Unlocked.' }, { message: 'Locked after being idle.' }],
		);
		expect(JSON.stringify(w.db.engine.all('SELECT * FROM app_log'))).not.toMatch(
			/correct horse|AAFakeToken/,
		);
	});

	it('stores new secrets sealed while a passphrase is set, and keeps them out of the request ledger', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const id = reserveRowId(w.db.engine, 'monitors');
		const input = {
			name: 'Keyed',
			url: 'http://127.0.0.2:9/k',
			intervalS: 60,
			method: 'POST' as const,
			headers: { 'X-Api-Key': 'key-987' },
			body: { contentType: 'application/json', text: '{"account":"body-654"}' },
		};
		const stored = await storedRequest(w.db.engine, input, id);
		await w.db.write(() => createMonitor(w.db.engine, input, time, stored, id), 'page:1');
		const monitor = listMonitors(w.db.engine).find((m) => m.id === id)!;
		expect(monitor.headers).toEqual({ 'X-Api-Key': 'key-987' });
		expect(monitor.body).toEqual(input.body);
		const bytes = await w.fileBytes();
		expect(bytes.includes('key-987')).toBe(false);
		expect(bytes.includes('body-654')).toBe(false);
		expect(
			String(w.db.engine.value("SELECT result FROM _requests WHERE id = 'page:1'")),
		).not.toMatch(/key-987|body-654/);
	});
});

describe('unlock attempts', () => {
	it('counts an attempt before deriving the key: a derivation that never ends still cost one', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { account, db } = await w.restart();
		const derived = vi
			.spyOn(globalThis.crypto.subtle, 'deriveKey')
			.mockReturnValue(new Promise<CryptoKey>(() => undefined));
		void account.unlock('a guess that never finishes');
		await vi.waitFor(() => expect(derived).toHaveBeenCalled());
		await db.settled();
		expect(db.engine.value('SELECT failed_attempts FROM users')).toBe(1);
		const again = await w.restart();
		expect(again.account.status().failedAttempts).toBe(1);
	});

	it('counts every one of several attempts started together', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { account, db } = await w.restart();
		const tries = await Promise.allSettled([1, 2, 3].map((i) => account.unlock(`wrong ${i}`)));
		expect(
			tries.map((t) => t.status === 'rejected' && (t.reason as { code: string }).code),
		).toEqual(['wrong-passphrase', 'wrong-passphrase', 'wrong-passphrase']);
		expect(db.engine.value('SELECT failed_attempts FROM users')).toBe(3);
		expect(account.status().failedAttempts).toBe(3);
	});

	it('a write that fails is reported as itself, never as a wrong passphrase', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		const { account, db } = await w.restart();
		await expect(account.unlock('wrong')).rejects.toMatchObject({ code: 'wrong-passphrase' });
		const before = db.engine.db.export();
		vi.spyOn(db, 'write').mockRejectedValueOnce(new AppError('quota-exceeded'));
		await expect(account.unlock('correct horse battery staple')).rejects.toMatchObject({
			code: 'quota-exceeded',
		});
		expect(Buffer.from(db.engine.db.export()).equals(Buffer.from(before))).toBe(true);
		expect(account.status()).toMatchObject({ locked: true, failedAttempts: 1 });
		await account.unlock('correct horse battery staple');
		expect(account.status()).toMatchObject({ locked: false, failedAttempts: 0 });
	});

	it('on a read-only database (from a newer app), unlocks, locks and idles out without writing', async () => {
		const w = await world();
		await w.account.setPassphrase('correct horse battery staple');
		await w.account.setIdleMinutes(5);
		const known = (await realMigrations()).slice(0, -1);
		const { account, db } = await w.restart(known);
		expect(db.readOnly?.code).toBe('db-newer-than-app');
		const before = await w.fileBytes();
		expect(account.status()).toMatchObject({ locked: true, secretsAvailable: false });

		await expect(account.unlock('not it')).rejects.toMatchObject({
			code: 'wrong-passphrase',
			detail: { failedAttempts: 1 },
		});
		expect(account.status().failedAttempts).toBe(1);
		await account.unlock('correct horse battery staple');
		expect(account.status()).toMatchObject({ locked: false, secretsAvailable: true });
		expect(botSecrets(db.engine)[0]!.token).toBe(TOKEN);
		expect(db.engine.db.export().length).toBeGreaterThan(0);

		await account.lock();
		expect(account.locked).toBe(true);
		await account.unlock('correct horse battery staple');
		time += 6 * 60_000;
		await account.checkIdle();
		expect(account.locked).toBe(true);
		expect((await w.fileBytes()).equals(before)).toBe(true);
	});
});

describe('secrets that arrive with another database', () => {
	async function protectedFile(passphrase: string) {
		const w = await world();
		await w.account.setPassphrase(passphrase);
		const image = w.db.engine.db.export();
		vault.forget();
		return image;
	}

	async function incomingEngine(image: Uint8Array) {
		const SQL = await loadSql();
		const { configure } = await import('../../src/worker/core/connection');
		return configure(new SQL.Database(image));
	}

	it('with its passphrase, on a device without one: keeps the file’s protection', async () => {
		const image = await protectedFile('their passphrase here');
		const here = await world();
		const incoming = await incomingEngine(image);
		const key = await adoptSecrets(incoming, here.db.engine, 'their passphrase here');
		await afterSwap(incoming, key);
		expect(incoming.value('SELECT count(*) FROM users')).toBe(1);
		expect(listMonitors(incoming)[0]!.headers.Authorization).toBe('Bearer sekrit-123');
		expect(botSecrets(incoming)[0]!.token).toBe(TOKEN);
	});

	it('with its passphrase, on a device with one: sealed again under this device’s key', async () => {
		const image = await protectedFile('their passphrase here');
		const here = await world();
		await here.account.setPassphrase('our own passphrase');
		const ours = here.db.engine.get<{ salt: Uint8Array }>('SELECT salt FROM users')!.salt;
		const incoming = await incomingEngine(image);
		const key = await adoptSecrets(incoming, here.db.engine, 'their passphrase here');
		expect(key).toBe(vault.key);
		expect(incoming.get<{ salt: Uint8Array }>('SELECT salt FROM users')!.salt).toEqual(ours);
		expect(listMonitors(incoming)[0]!.headers.Authorization).toBe('Bearer sekrit-123');
		expect(listMonitors(incoming)[0]!.body).toEqual(BODY);
		expect(isSealed(String(incoming.value('SELECT token FROM telegram_bots')))).toBe(true);
	});

	it('without its passphrase: everything but the secrets, which are marked for re-entry', async () => {
		const image = await protectedFile('their passphrase here');
		const here = await world();
		const incoming = await incomingEngine(image);
		expect(await adoptSecrets(incoming, here.db.engine, null)).toBeNull();
		expect(incoming.value('SELECT count(*) FROM users')).toBe(0);
		expect(listMonitors(incoming)[0]).toMatchObject({
			name: 'API',
			headers: {},
			needsHeaders: true,
			body: null,
			needsBody: true,
		});
		expect(incoming.value('SELECT needs_token FROM telegram_bots')).toBe(1);
		await expect(checkIncomingPassphrase(incoming, 'wrong')).resolves.toBeUndefined();
	});

	it('refuses a wrong passphrase before anything changes', async () => {
		const image = await protectedFile('their passphrase here');
		const incoming = await incomingEngine(image);
		await expect(checkIncomingPassphrase(incoming, 'wrong')).rejects.toMatchObject({
			code: 'wrong-passphrase',
		});
	});

	it('a backup of this very database (same key, or from before the passphrase) keeps its secrets on restore', async () => {
		const w = await world();
		const before = w.db.engine.db.export(); // secrets in clear, from before the passphrase
		await w.account.setPassphrase('correct horse battery staple');
		const after = w.db.engine.db.export(); // sealed under this device's key
		for (const image of [before, after]) {
			const incoming = await incomingEngine(image);
			const key = await adoptSecrets(incoming, w.db.engine, null);
			expect(key).toBe(vault.key);
			expect(isSealed(String(incoming.value('SELECT token FROM telegram_bots')))).toBe(true);
			expect(listMonitors(incoming)[0]!.headers.Authorization).toBe('Bearer sekrit-123');
			expect(incoming.value('SELECT needs_token FROM telegram_bots')).toBe(0);
		}
	});
});
