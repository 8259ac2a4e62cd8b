/**
 * Sessions, one per window (domain/account/sessions.ts), with the real sql.js: each window unlocked or
 * joining has its own row; ending another window's session locks that window alone until the passphrase
 * is entered there; a lock ends them all; ended sessions are deleted 30 days after they were last used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_KEEP_DAYS } from '../../src/shared/account';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { Account } from '../../src/worker/domain/account/account';
import { vault } from '../../src/worker/domain/account/vault';
import { loadSql, realMigrations } from './helpers';

const PASS = 'correct horse battery staple';
const DAY = 86_400_000;
let time = Date.UTC(2026, 11, 7, 12);

afterEach(() => vault.forget());

async function setup() {
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		files: await realMigrations(),
		store: new MemoryImageStore(),
		writerId: 'w',
		now: () => time,
	});
	const account = new Account(db, { now: () => time, iterations: 100_000, browser: 'Chrome/156' });
	await account.start();
	account.stop();
	return { db, account };
}

describe('sessions per window', () => {
	it('each window has its own; ending another locks that window alone until it unlocks', async () => {
		const { db, account } = await setup();
		await account.setPassphrase(PASS, 'seal', 'win-a');
		await account.windows.join('win-b');
		await account.windows.join('win-b'); // joining twice starts one session
		const seenByA = account.windows.sessions('win-a');
		// The asking window's own first.
		expect(seenByA.map((s) => [s.current, s.endedAt])).toEqual([
			[true, null],
			[false, null],
		]);
		const b = seenByA.find((s) => !s.current)!;
		expect(account.windows.sessions('win-b').find((s) => s.id === b.id)!.current).toBe(true);

		// A window cannot end its own session: that is Lock.
		const a = seenByA.find((s) => s.current)!;
		await expect(account.windows.endSession(a.id, 'win-a')).rejects.toMatchObject({
			code: 'invalid-input',
		});

		time += 1_000;
		await account.windows.endSession(b.id, 'win-a');
		expect(account.lockedFor('win-b')).toBe(true);
		expect(account.lockedFor('win-a')).toBe(false);
		expect(account.status('win-b')).toMatchObject({ locked: true, endedHere: true });
		expect(account.status('win-a')).toMatchObject({ locked: false, endedHere: false });
		expect(db.engine.get('SELECT ended_how, window_id FROM sessions WHERE id = ?', [b.id])).toEqual(
			{ ended_how: 'ended', window_id: 'win-b' },
		);
		// An ended window does not join again by itself, and ending it twice says it has ended.
		await account.windows.join('win-b');
		expect(account.lockedFor('win-b')).toBe(true);
		await expect(account.windows.endSession(b.id, 'win-a')).rejects.toMatchObject({
			code: 'not-found',
		});

		// The wrong passphrase keeps it locked; the right one opens that window with a new session.
		await expect(account.unlock('wrong one', 'win-b')).rejects.toMatchObject({
			code: 'wrong-passphrase',
		});
		expect(account.lockedFor('win-b')).toBe(true);
		await account.unlock(PASS, 'win-b');
		expect(account.status('win-b')).toMatchObject({ locked: false, endedHere: false });
		expect(db.engine.value('SELECT count(*) FROM sessions WHERE ended_at IS NULL')).toBe(2);
	});

	it('a window reloaded after its session was ended asks to stay locked, and stays so', async () => {
		const { account } = await setup();
		await account.setPassphrase(PASS, 'seal', 'win-a');
		await account.windows.lockWindow('win-b2');
		expect(account.lockedFor('win-b2')).toBe(true);
		expect(account.lockedFor('win-a')).toBe(false);
	});

	it('locking ends every window’s session; an unlock starts only the unlocking window’s', async () => {
		const { db, account } = await setup();
		await account.setPassphrase(PASS, 'seal', 'win-a');
		await account.windows.join('win-b');
		time += 60_000;
		await account.lock('locked', 'win-a');
		expect(db.engine.all('SELECT window_id, ended_how FROM sessions ORDER BY id')).toEqual([
			{ window_id: 'win-a', ended_how: 'locked' },
			{ window_id: 'win-b', ended_how: 'locked' },
		]);
		await account.unlock(PASS, 'win-b');
		expect(db.engine.all('SELECT window_id FROM sessions WHERE ended_at IS NULL')).toEqual([
			{ window_id: 'win-b' },
		]);
	});

	it(`deletes ended sessions ${SESSION_KEEP_DAYS} days after they were last used, never open ones`, async () => {
		const { db, account } = await setup();
		await account.setPassphrase(PASS, 'seal', 'win-a');
		await account.windows.join('win-old');
		await account.windows.leave('win-old');
		time += SESSION_KEEP_DAYS * DAY - 1;
		await account.windows.join('win-c');
		expect(db.engine.value('SELECT count(*) FROM sessions')).toBe(3);
		time += 2;
		await account.windows.join('win-d');
		expect(db.engine.all('SELECT window_id FROM sessions ORDER BY id')).toEqual([
			{ window_id: 'win-a' },
			{ window_id: 'win-c' },
			{ window_id: 'win-d' },
		]);
	});

	it('removing the passphrase ends every session and forgets ended windows', async () => {
		const { db, account } = await setup();
		await account.setPassphrase(PASS, 'seal', 'win-a');
		await account.windows.lockWindow('win-b');
		await account.removePassphrase(PASS);
		expect(account.lockedFor('win-b')).toBe(false);
		expect(db.engine.value('SELECT count(*) FROM sessions WHERE ended_at IS NULL')).toBe(0);
	});
});
