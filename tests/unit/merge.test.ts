/**
 * Merging another device's export into this database, with the real sql.js and the real codec: two
 * devices share a past (one imported the other's export), then each goes on; merging one into the
 * other joins monitors by method and URL and their histories (rows, blocks and rollups) without a
 * doubled check, adds the rest paused, resolves conflicts as chosen, is idempotent, and a merge that
 * fails leaves the live database, its storage and its backups exactly as they were.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { DEFAULT_MERGE_CHOICES, type MergeChoices } from '../../src/shared/merge';
import type { LiveDatabase } from '../../src/worker/core/database/live-database';
import type { Engine } from '../../src/worker/core/engine';
import { compact } from '../../src/worker/domain/history/compaction';
import { checksBetween } from '../../src/worker/domain/history/raw';
import { createWindow, listWindows } from '../../src/worker/domain/maintenance/windows';
import { commitMerge, previewMerge } from '../../src/worker/domain/import/merge-session';
import { commitImport } from '../../src/worker/domain/import/session';
import { exportDatabase } from '../../src/worker/domain/transfer';
import type { Compression } from '../../src/worker/stores/history/compression';
import { insertRow } from '../../src/worker/stores/history/rows';
import { zlibCompression } from '../../src/worker/stores/history/zlib-compression';
import { addToRollup } from '../../src/worker/stores/rollups';
import { insertTag, setMonitorTags } from '../../src/worker/stores/tags';
import { fingerprint, inspect, live, refused, type Harness } from './import-harness';

const compression = zlibCompression(zlib);
const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const NOW = T0 + 5 * DAY;

/** A device: a live database without the harness's own monitors. */
async function device(): Promise<Harness> {
	const h = await live();
	await h.db.write(() => h.db.engine.run('DELETE FROM monitors'));
	return h;
}

function addMonitor(db: LiveDatabase, name: string, url: string, extra = ''): Promise<number> {
	return db.write(
		() =>
			db.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at${extra ? ', headers' : ''})
				 VALUES (?, ?, 600, 1000, ?, ?${extra ? ', ?' : ''})`,
				extra ? [name, url, T0, T0, extra] : [name, url, T0, T0],
			).lastInsertRowid,
	);
}

/** Records checks every 10 minutes in [from, to) as the scheduler does (a row and its rollups). */
function record(db: LiveDatabase, monitorId: number, from: number, to: number, late = 0) {
	return db.write(() => {
		for (let t = from; t < to; t += 10 * MINUTE) {
			const check = {
				dueAt: t,
				startedAt: t + late,
				durationMs: 80 + ((t / MINUTE) % 7),
				outcome: (t / MINUTE) % 50 === 0 ? ('down' as const) : ('up' as const),
				httpStatus: 200,
				message: 'HTTP 200',
				mode: 'full' as const,
			};
			insertRow(db.engine, monitorId, check);
			for (const r of ['hour', 'day'] as const)
				addToRollup(db.engine, monitorId, r, check.startedAt, check.outcome, check.durationMs);
		}
	});
}

const compactAll = (db: LiveDatabase, now: number) =>
	compact(db, now, { compression, pause: async () => {} });

async function fileOf(h: Harness, name = 'other.db') {
	const { bytes } = await exportDatabase(h.db, NOW);
	return { bytes, name };
}

const idOf = (engine: Engine, url: string) =>
	Number(engine.value('SELECT id FROM monitors WHERE url = ?', [url]));

/** Every check of a monitor: none doubled, and its hour and day rollups count each once. */
async function history(engine: Engine, monitorId: number) {
	const checks = await checksBetween(engine, compression, monitorId, 0, 2 ** 47);
	const keys = new Set(checks.map((c) => `${c.startedAt}:${c.dueAt}`));
	const rollup = (r: string) =>
		Number(
			engine.value(
				'SELECT coalesce(sum(checks), 0) FROM rollups WHERE monitor_id = ? AND resolution = ?',
				[monitorId, r],
			),
		);
	return { count: checks.length, distinct: keys.size, hour: rollup('hour'), day: rollup('day') };
}

/** The merged tables, as rows: what a second merge must leave exactly as it was. */
function dump(engine: Engine): string {
	return [
		'monitors',
		'checks',
		'history_blocks',
		'rollups',
		'events',
		'monitor_status',
		'telegram_bots',
		'telegram_chats',
	]
		.map((t) => JSON.stringify(engine.all(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)))
		.join('\n');
}

const A = 'http://127.0.0.1:9/a';
const B = 'http://127.0.0.1:9/b';
const C = 'http://127.0.0.1:9/c';

/** Device one, and device two that imported one's export and went on; each recorded more since. */
async function twoDevices() {
	const one = await device();
	const a = await addMonitor(one.db, 'Alpha', A);
	const b = await addMonitor(one.db, 'Beta', B);
	await record(one.db, a, T0, T0 + 3 * DAY);
	await record(one.db, b, T0, T0 + 3 * DAY, 2);
	await compactAll(one.db, T0 + 3 * DAY);
	const two = await device();
	const shared = await inspect(two.db, await fileOf(one));
	await commitImport(two.db, { token: shared.token });
	// Both go on with Alpha; only two watches C, and two renamed Beta and checks it every 5 minutes.
	await record(one.db, a, T0 + 3 * DAY, T0 + 4 * DAY, 1);
	await record(two.db, idOf(two.db.engine, A), T0 + 3 * DAY, T0 + 4 * DAY, 3);
	const c = await addMonitor(two.db, 'Gamma', C, '{"X-Token":"abc"}');
	await record(two.db, c, T0 + 2 * DAY, T0 + 4 * DAY);
	await two.db.write(() =>
		two.db.engine.run("UPDATE monitors SET name = 'Beta (two)', interval_s = 300 WHERE url = ?", [
			B,
		]),
	);
	await two.db.write(() =>
		two.db.engine.run(
			`INSERT INTO events (monitor_id, at, from_state, to_state, message) VALUES (?, ?, 'up', 'down', 'x')`,
			[c, T0 + 3 * DAY],
		),
	);
	await compactAll(one.db, T0 + 4 * DAY + DAY / 2);
	await compactAll(two.db, T0 + 4 * DAY + DAY / 2);
	return { one, two };
}

async function merge(
	h: Harness,
	file: { bytes: Uint8Array; name: string },
	choices?: MergeChoices,
) {
	const { token } = await inspect(h.db, file);
	const request = { token, choices: choices ?? DEFAULT_MERGE_CHOICES, passphrase: null };
	const preview = await previewMerge(h.db, request, compression, NOW);
	const done = await commitMerge(h.db, request, compression, NOW);
	return { preview, done };
}

describe('merging another device’s database', () => {
	it('joins monitors by method and URL and their histories without doubling a check', async () => {
		const { one, two } = await twoDevices();
		const alphaBefore = await history(one.db.engine, idOf(one.db.engine, A));
		const twoAlpha = await history(two.db.engine, idOf(two.db.engine, A));
		const { preview, done } = await merge(one, await fileOf(two));
		// The merged copy is live now (the engine before it is closed).
		const e = one.db.engine;

		expect(preview.report).toEqual(done.report);
		// Alpha adds checks, Beta differs (a conflict): both matched.
		expect(done.report.monitors).toEqual({ new: 1, matched: 2, skipped: 0 });
		const alpha = await history(e, idOf(e, A));
		// Three shared days (432 checks), a day only one has and a day only two has (144 each).
		expect(alphaBefore.count).toBe(4 * 144);
		expect(twoAlpha.count).toBe(4 * 144);
		expect(alpha).toEqual({ count: 5 * 144, distinct: 5 * 144, hour: 5 * 144, day: 5 * 144 });
		const entry = done.report.list.find((m) => m.url === A)!;
		expect(entry).toMatchObject({ outcome: 'matched', checksHere: 576, checksInFile: 576 });
		expect(entry.checksAdded).toBe(144);

		// Beta is the same history on both sides: nothing doubled; its settings differ, mine kept.
		const beta = await history(e, idOf(e, B));
		expect(beta).toEqual({ count: 432, distinct: 432, hour: 432, day: 432 });
		const betaEntry = done.report.list.find((m) => m.url === B)!;
		expect(betaEntry.outcome).toBe('matched');
		expect(betaEntry.differences.map((d) => d.field)).toEqual(['name', 'interval_s']);
		expect(e.value('SELECT name FROM monitors WHERE url = ?', [B])).toBe('Beta');

		// Gamma is new: added paused, with its history, rollups, event and headers.
		const c = idOf(e, C);
		expect(await history(e, c)).toEqual({ count: 288, distinct: 288, hour: 288, day: 288 });
		expect(e.get('SELECT enabled, headers FROM monitors WHERE id = ?', [c])).toEqual({
			enabled: 0,
			headers: '{"X-Token":"abc"}',
		});
		expect(e.value("SELECT value FROM settings WHERE key = 'import_paused_monitors'")).toBe(
			`[${c}]`,
		);
		expect(e.value('SELECT count(*) FROM events WHERE monitor_id = ?', [c])).toBe(1);
		expect(
			Number(e.value('SELECT count(*) FROM history_blocks WHERE monitor_id = ?', [c])),
		).toBeGreaterThan(0);

		expect(done.report.checks).toEqual({ added: 144 + 288, shared: 432 + 432, hereOnly: 144 });
		expect(e.value('PRAGMA foreign_key_check')).toBeUndefined();
		expect(e.value('PRAGMA integrity_check')).toBe('ok');
		// The database before the merge was backed up.
		expect((await one.db.listBackups())[0]?.reason).toBe('before-import');
	});

	it('joins a block of the file that overlaps checks here (inflated, its missing checks added), and one that does not (copied)', async () => {
		const { one, two } = await twoDevices();
		// Two's last day becomes a block that overlaps one's rows of that day.
		await compactAll(two.db, NOW + DAY);
		// And two has a day one never had: a block copied as it is.
		const twoAlpha = idOf(two.db.engine, A);
		await record(two.db, twoAlpha, T0 - DAY, T0, 5);
		await compactAll(two.db, NOW + DAY);
		const { done } = await merge(one, await fileOf(two));
		const e = one.db.engine;
		const alpha = idOf(e, A);
		expect(await history(e, alpha)).toEqual({
			count: 6 * 144,
			distinct: 6 * 144,
			hour: 6 * 144,
			day: 6 * 144,
		});
		expect(done.report.list.find((m) => m.url === A)?.checksAdded).toBe(2 * 144);
		// The day one never had arrived as two's block, byte for byte.
		const copied = (engine: Engine, id: number) =>
			engine.get<{ body: Uint8Array }>(
				'SELECT body FROM history_blocks WHERE monitor_id = ? AND block_start = ?',
				[id, T0 - DAY],
			)?.body;
		expect(copied(e, alpha)).toEqual(copied(two.db.engine, twoAlpha));
	});

	it('changes nothing the second time, and compaction afterwards keeps every check once', async () => {
		const { one, two } = await twoDevices();
		const file = await fileOf(two);
		await merge(one, file);
		const once = dump(one.db.engine);
		const { preview, done } = await merge(one, file);
		expect(dump(one.db.engine)).toBe(once);
		expect(preview.report.monitors).toEqual({ new: 0, matched: 1, skipped: 2 });
		expect(done.report.checks.added).toBe(0);
		expect(done.report.events).toBe(0);
		// The rows a merge adds to spans already compacted are folded into their blocks later.
		await compactAll(one.db, NOW + DAY);
		const e = one.db.engine;
		expect(await history(e, idOf(e, A))).toEqual({
			count: 720,
			distinct: 720,
			hour: 720,
			day: 720,
		});
		expect(e.value('SELECT count(*) FROM checks')).toBe(0);
	});

	it('joins tags by name whatever its case, gives each monitor the file’s tags too, and changes nothing the second time', async () => {
		const { one, two } = await twoDevices();
		const tag = (h: Harness, name: string, colour: string, url: string) =>
			h.db.write(() => {
				const e = h.db.engine;
				const id = insertTag(e, { name, colour }, NOW);
				setMonitorTags(e, idOf(e, url), [id]);
				return id;
			});
		await tag(one, 'prod', '#112233', A);
		await tag(two, 'PROD', '#445566', B);
		await tag(two, 'team-c', '#778899', C);
		const file = await fileOf(two);
		await merge(one, file);
		let e = one.db.engine;
		// One "prod" (this database's name and colour), the file's other tag added.
		expect(e.all('SELECT name, colour FROM tags ORDER BY name')).toEqual([
			{ name: 'prod', colour: '#112233' },
			{ name: 'team-c', colour: '#778899' },
		]);
		const tagsOf = (url: string) =>
			e
				.all<{ name: string }>(
					'SELECT t.name FROM monitor_tags mt JOIN tags t ON t.id = mt.tag_id WHERE mt.monitor_id = ? ORDER BY t.name',
					[idOf(e, url)],
				)
				.map((r) => r.name);
		expect(tagsOf(A)).toEqual(['prod']);
		expect(tagsOf(B)).toEqual(['prod']);
		expect(tagsOf(C)).toEqual(['team-c']);
		const once = JSON.stringify([e.all('SELECT * FROM tags'), e.all('SELECT * FROM monitor_tags')]);
		await merge(one, file);
		e = one.db.engine; // a merge swaps the engine in
		expect(JSON.stringify([e.all('SELECT * FROM tags'), e.all('SELECT * FROM monitor_tags')])).toBe(
			once,
		);
	});

	it('brings maintenance windows (matched by schedule and name) with their monitors and events, once', async () => {
		const { one, two } = await twoDevices();
		await two.db.write(() => {
			const e = two.db.engine;
			const window = createWindow(
				e,
				{
					name: 'Nightly',
					kind: 'weekly',
					days: [1, 3],
					startMinute: 1380,
					endMinute: 60,
					timeZone: 'Europe/Berlin',
					allMonitors: false,
					monitorIds: [idOf(e, C)],
				},
				NOW,
			);
			e.run(
				`INSERT INTO maintenance_events (monitor_id, window_id, name, kind, at)
				 VALUES (?, ?, 'Nightly', 'start', ?), (?, ?, 'Nightly', 'end', ?)`,
				[idOf(e, C), window.id, T0, idOf(e, C), window.id, T0 + 2 * 3_600_000],
			);
		});
		const file = await fileOf(two);
		await merge(one, file);
		let e = one.db.engine;
		const [window] = listWindows(e);
		expect(window).toMatchObject({ name: 'Nightly', days: [1, 3], monitorIds: [idOf(e, C)] });
		expect(
			e.all('SELECT kind, at FROM maintenance_events WHERE monitor_id = ? ORDER BY at', [
				idOf(e, C),
			]),
		).toEqual([
			{ kind: 'start', at: T0 },
			{ kind: 'end', at: T0 + 2 * 3_600_000 },
		]);
		const tables = () =>
			JSON.stringify(
				['maintenance_windows', 'maintenance_window_monitors', 'maintenance_events'].map((t) =>
					e.all(`SELECT * FROM ${t}`),
				),
			);
		const once = tables();
		await merge(one, file);
		e = one.db.engine;
		expect(tables()).toBe(once);
	});

	it('brings Telegram bots and chats, and the alert choices of added monitors only', async () => {
		const { one, two } = await twoDevices();
		await two.db.write(() => {
			const e = two.db.engine;
			e.run(
				`INSERT INTO telegram_bots (token, bot_user_id, username, added_at) VALUES ('7:abc', 7, 'bot', 1)`,
			);
			e.run(
				`INSERT INTO telegram_chats (bot_id, chat_id, type, title, first_seen_at, last_seen_at, is_default)
				 VALUES (1, 42, 'group', 'Ops', 1, 1, 1)`,
			);
			for (const url of [A, C]) {
				e.run(`INSERT INTO monitor_alerts (monitor_id, mode) VALUES (?, 'chosen')`, [idOf(e, url)]);
				e.run(`INSERT INTO monitor_alert_chats (monitor_id, chat_ref) VALUES (?, 1)`, [
					idOf(e, url),
				]);
			}
		});
		const { done } = await merge(one, await fileOf(two));
		expect(done.report.bots).toEqual({ added: 1, matched: 0 });
		expect(done.report.chats).toEqual({ added: 1, matched: 0 });
		const e = one.db.engine;
		expect(e.get('SELECT token, needs_token FROM telegram_bots')).toEqual({
			token: '7:abc',
			needs_token: 0,
		});
		// Default chats are a setting of this database: kept unless the file's settings are taken.
		expect(e.get('SELECT title, is_default FROM telegram_chats')).toEqual({
			title: 'Ops',
			is_default: 0,
		});
		expect(e.all('SELECT monitor_id FROM monitor_alert_chats')).toEqual([
			{ monitor_id: idOf(e, C) },
		]);
		expect(e.value('SELECT count(*) FROM monitor_alerts WHERE monitor_id = ?', [idOf(e, A)])).toBe(
			0,
		);
	});

	it('lets the file’s settings win for a conflict the person picks', async () => {
		const { one, two } = await twoDevices();
		const file = await fileOf(two);
		const { token } = await inspect(one.db, file);
		const first = await previewMerge(
			one.db,
			{ token, choices: DEFAULT_MERGE_CHOICES, passphrase: null },
			compression,
			NOW,
		);
		expect(first.conflicts).toBe(1);
		const beta = first.report.list.find((m) => m.url === B)!;
		const choices = { settings: 'mine' as const, monitors: { [beta.fileId]: 'theirs' as const } };
		const { report } = await commitMerge(
			one.db,
			{ token, choices, passphrase: null },
			compression,
			NOW,
		);
		expect(report.list.find((m) => m.url === B)?.winner).toBe('theirs');
		expect(one.db.engine.get('SELECT name, interval_s FROM monitors WHERE url = ?', [B])).toEqual({
			name: 'Beta (two)',
			interval_s: 300,
		});
		// Once taken, it no longer differs: a second merge skips it.
		const again = await merge(one, file);
		expect(again.done.report.list.find((m) => m.url === B)?.outcome).toBe('skipped');
	});

	it('leaves out a secret sealed with a passphrase it was not given, and says so', async () => {
		const { one, two } = await twoDevices();
		await two.db.write(() =>
			two.db.engine.run(`UPDATE monitors SET body = '"enc:v2:AAAA:BBBB"' WHERE url = ?`, [C]),
		);
		const { done } = await merge(one, await fileOf(two));
		expect(done.report.secretsSkipped).toEqual({ monitors: 1, bots: 0 });
		expect(one.db.engine.get('SELECT body, needs_body FROM monitors WHERE url = ?', [C])).toEqual({
			body: '{}',
			needs_body: 1,
		});
	});

	it('leaves the live database, its storage and its backups unchanged when a merge fails', async () => {
		const { one, two } = await twoDevices();
		// One's last day becomes a block, which the merge must inflate to find what two adds.
		await compactAll(one.db, NOW + DAY);
		const { token } = await inspect(one.db, await fileOf(two));
		const before = await fingerprint(one);
		let inflated = 0;
		const failing: Compression = {
			...compression,
			inflate: async (data, length) => {
				if (++inflated > 1) throw new AppError('history-block-corrupt', 'injected');
				return compression.inflate(data, length);
			},
		};
		const request = { token, choices: DEFAULT_MERGE_CHOICES, passphrase: null };
		expect((await refused(commitMerge(one.db, request, failing, NOW))).code).toBe(
			'history-block-corrupt',
		);
		expect(await fingerprint(one)).toBe(before);
		// The file still waits: the merge can be tried again, and then it succeeds.
		const { report } = await commitMerge(one.db, request, compression, NOW);
		expect(report.monitors.new).toBe(1);
	});
});
