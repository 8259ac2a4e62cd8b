/**
 * The configuration-only export: monitors, settings, Telegram bots and chats, alert channels, no history and no
 * secret; a Monitor database like any other, so it imports by Replace and by Merge.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MERGE_CHOICES } from '../../src/shared/merge';
import { exportConfiguration } from '../../src/worker/domain/import/configuration';
import { commitMerge } from '../../src/worker/domain/import/merge-session';
import { commitImport } from '../../src/worker/domain/import/session';
import { insertRow } from '../../src/worker/stores/history/rows';
import { zlibCompression } from '../../src/worker/stores/history/zlib-compression';
import { newEngine } from './helpers';
import { inspect, live } from './import-harness';

const NOW = Date.UTC(2026, 11, 1);

async function configured() {
	const h = await live();
	await h.db.write(() => {
		const e = h.db.engine;
		e.run(
			`INSERT INTO telegram_bots (token, bot_user_id, username, added_at) VALUES ('123:secret', 123, 'bot', 1)`,
		);
		e.run(
			`INSERT INTO telegram_chats (bot_id, chat_id, type, title, first_seen_at, last_seen_at) VALUES (1, 42, 'group', 'Ops', 1, 1)`,
		);
		e.run(`INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '30', 1)`);
		// An alert channel (009) with its secret in clear (no passphrase): a Discord webhook address.
		e.run(
			`INSERT INTO channels (kind, name, config, secret, created_at, updated_at)
			 VALUES ('discord', 'Ops room', '{}', '{"url":"http://127.0.0.1:9/api/webhooks/1/hook-s3cret"}', 1, 1)`,
		);
		insertRow(e, 1, {
			dueAt: 1,
			startedAt: 2,
			durationMs: 3,
			outcome: 'up',
			httpStatus: 200,
			message: 'ok',
			mode: 'full',
		});
	});
	return h;
}

describe('configuration-only export', () => {
	it('keeps monitors, settings, bots and chats, and leaves out history and every secret', async () => {
		const h = await configured();
		const { bytes, filename } = await exportConfiguration(h.db, NOW);
		expect(filename).toMatch(/^monitor-config-\d{4}-\d\d-\d\d\.db$/);
		const e = await newEngine(bytes);
		expect(e.value('SELECT count(*) FROM monitors')).toBe(2);
		expect(e.value('SELECT count(*) FROM checks')).toBe(0);
		expect(e.value("SELECT value FROM settings WHERE key = 'retention_days'")).toBe('30');
		expect(e.get('SELECT token, needs_token FROM telegram_bots')).toEqual({
			token: 'removed:1',
			needs_token: 1,
		});
		expect(e.value('SELECT title FROM telegram_chats')).toBe('Ops');
		expect(e.all('SELECT headers, needs_headers FROM monitors')).toEqual([
			{ headers: '{}', needs_headers: 1 },
			{ headers: '{}', needs_headers: 1 },
		]);
		expect(e.get('SELECT name, secret, needs_secret FROM channels')).toEqual({
			name: 'Ops room',
			secret: '{}',
			needs_secret: 1,
		});
		// No secret anywhere in the file's bytes, free pages included.
		const text = new TextDecoder('latin1').decode(bytes);
		expect(text).not.toContain('s3cret');
		expect(text).not.toContain('123:secret');
		expect(text).not.toContain('hook-s3cret');
		// The live database is untouched.
		expect(h.db.engine.value('SELECT count(*) FROM checks')).toBe(1);
	});

	it('imports by Replace and by Merge', async () => {
		const { bytes } = await exportConfiguration((await configured()).db, NOW);
		const replaced = await live();
		const first = await inspect(replaced.db, { bytes: bytes.slice(), name: 'config.db' });
		await commitImport(replaced.db, { token: first.token });
		expect(replaced.db.engine.value('SELECT count(*) FROM monitors')).toBe(2);

		const merged = await live();
		await merged.db.write(() =>
			merged.db.engine.run("UPDATE monitors SET url = 'http://127.0.0.2:9/other' WHERE id = 2"),
		);
		const second = await inspect(merged.db, { bytes, name: 'config.db' });
		const { report } = await commitMerge(
			merged.db,
			{ token: second.token, choices: DEFAULT_MERGE_CHOICES, passphrase: null },
			zlibCompression(zlib),
			NOW,
		);
		// Both monitors of the file have the same method and URL: one matches here, the other too.
		expect(report.monitors.new).toBe(0);
		expect(report.bots.added).toBe(1);
		expect(report.chats.added).toBe(1);
		expect(merged.db.engine.value('SELECT count(*) FROM telegram_chats')).toBe(1);
	});
});
