/**
 * What the import's untrusted checks do beyond refusing the bad-file corpus: on a file above the
 * integrity_check limit (a small limit injected here, not a 16 MiB file) quick_check is followed by a
 * REINDEX, which refuses rows a UNIQUE index would have refused and mends an index out of step with its
 * table; planner statistics never arrive. A refused file leaves everything exactly as it was. What an
 * accepted file is not trusted with: its monitors arrive paused (until "Resume all"), its own Telegram
 * Bot API server is dropped unless the person keeps it.
 */
import { describe, expect, it } from 'vitest';
import { commitImport } from '../../src/worker/domain/import/session';
import { heldMonitors, resumeImported } from '../../src/worker/domain/import/trust';
import { apiBase } from '../../src/worker/stores/settings';
import { DEFAULT_BOT_API } from '../../src/shared/telegram';
import { behindIndex, healthyEngine, healthyImage } from '../fixtures/import/build';
import { newEngine } from './helpers';
import { fingerprint, inlineCheck, inspect, live, refused } from './import-harness';

/** Every file is "above the limit": quick_check and REINDEX instead of integrity_check. */
const large = inlineCheck({ integrityCheckMaxBytes: 0 });

/** Two bots with the same Telegram id, written while their UNIQUE index was an ordinary one. */
async function duplicateBots(): Promise<Uint8Array> {
	return behindIndex(
		await healthyImage(),
		'telegram_bots_user',
		(definition) => definition.replace('CREATE UNIQUE INDEX', 'CREATE INDEX'),
		`INSERT INTO telegram_bots (token, bot_user_id, added_at) VALUES ('1:a', 7, 1), ('2:b', 7, 1)`,
	);
}

describe('a file above the integrity_check limit', () => {
	it('with rows that break a UNIQUE index is refused by the REINDEX, and nothing changes', async () => {
		const bytes = await duplicateBots();
		const scratch = await newEngine(bytes);
		expect(scratch.value('PRAGMA quick_check')).toBe('ok');
		scratch.db.close();
		const h = await live();
		const before = await fingerprint(h);
		const error = await refused(inspect(h.db, { bytes, name: 'twins.db' }, large));
		expect(error.code).toBe('import-corrupt');
		expect(error.message).toContain('rebuilding its indexes failed');
		expect(error.message).toContain('UNIQUE constraint failed: telegram_bots.bot_user_id');
		expect(await fingerprint(h)).toBe(before);
	});

	it('with an index out of step with its table arrives with the index rebuilt', async () => {
		const bytes = await behindIndex(
			await healthyImage(),
			'monitors_name',
			(definition) => definition.replace('name COLLATE NOCASE', 'url'),
			'REINDEX monitors_name',
		);
		const h = await live();
		const preview = await inspect(h.db, { bytes, name: 'index.db' }, large);
		expect(preview.incoming.check).toBe('quick_check');
		await commitImport(h.db, { token: preview.token });
		expect(h.db.engine.value('PRAGMA integrity_check')).toBe('ok');
	});
});

it('planner statistics in a file (sqlite_stat1, written by ANALYZE) are dropped', async () => {
	const engine = await healthyEngine();
	engine.exec('ANALYZE');
	expect(engine.value("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'")).toBe(1);
	const bytes = engine.db.export();
	engine.db.close();
	const h = await live();
	const preview = await inspect(h.db, { bytes, name: 'analyzed.db' });
	await commitImport(h.db, { token: preview.token });
	expect(
		h.db.engine.value("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'"),
	).toBe(0);
});

/** v001.db (Homepage and API health running, Webhook paused) with its own Bot API server. */
async function withApiBase(extra = ''): Promise<Uint8Array> {
	const engine = await healthyEngine();
	engine.exec(
		`INSERT INTO settings (key, value, updated_at) VALUES ('telegram_api_base', 'http://127.0.0.1:9/bot-api', 1);${extra}`,
	);
	try {
		return engine.db.export();
	} finally {
		engine.db.close();
	}
}

const enabled = (h: Awaited<ReturnType<typeof live>>) =>
	h.db.engine
		.all<{ name: string; enabled: number }>('SELECT name, enabled FROM monitors ORDER BY name')
		.map((r) => `${r.name}:${r.enabled}`);

describe('what an imported file is not trusted with', () => {
	it('its running monitors arrive paused, and "Resume all" resumes just those', async () => {
		const h = await live();
		const preview = await inspect(h.db, { bytes: await withApiBase(), name: 'api.db' });
		expect(preview.incoming.runningMonitors).toBe(2);
		await commitImport(h.db, { token: preview.token });
		expect(enabled(h)).toEqual(['API health:0', 'Homepage:0', 'Webhook:0']);
		expect(heldMonitors(h.db.engine)).toEqual({ monitors: 2 });
		await h.db.write(() => resumeImported(h.db.engine, Date.UTC(2026, 11, 1)));
		// Webhook was paused in the file: it stays paused.
		expect(enabled(h)).toEqual(['API health:1', 'Homepage:1', 'Webhook:0']);
		expect(heldMonitors(h.db.engine)).toEqual({ monitors: 0 });
	});

	it('a file that an import had paused monitors in keeps them paused, with those this import paused', async () => {
		const h = await live();
		const bytes = await withApiBase(
			"INSERT INTO settings (key, value, updated_at) VALUES ('import_paused_monitors', '[3]', 1);",
		);
		const preview = await inspect(h.db, { bytes, name: 'list.db' });
		await commitImport(h.db, { token: preview.token });
		expect(heldMonitors(h.db.engine)).toEqual({ monitors: 3 });
		await h.db.write(() => resumeImported(h.db.engine, Date.UTC(2026, 11, 1)));
		expect(enabled(h)).toEqual(['API health:1', 'Homepage:1', 'Webhook:1']);
	});

	it('its own Bot API server is shown, and dropped unless the person keeps it', async () => {
		for (const keepApiBase of [false, true]) {
			const h = await live();
			const preview = await inspect(h.db, { bytes: await withApiBase(), name: 'api.db' });
			expect(preview.incoming.telegramApiBase).toBe('http://127.0.0.1:9/bot-api');
			await commitImport(h.db, { token: preview.token, keepApiBase });
			expect(apiBase(h.db.engine)).toBe(
				keepApiBase ? 'http://127.0.0.1:9/bot-api' : DEFAULT_BOT_API,
			);
		}
		const h = await live();
		const preview = await inspect(h.db, { bytes: await healthyImage(), name: 'plain.db' });
		expect(preview.incoming.telegramApiBase).toBeNull();
	});
});

describe('maintenance windows in a file (011)', () => {
	async function withWindow(zone: string): Promise<Uint8Array> {
		const engine = await healthyEngine();
		try {
			engine.run(
				`INSERT INTO maintenance_windows (name, kind, days, start_minute, end_minute, time_zone,
				   all_monitors, created_at, updated_at) VALUES ('Nightly', 'weekly', 31, 1380, 60, ?, 1, 1, 1)`,
				[zone],
			);
			return engine.db.export();
		} finally {
			engine.db.close();
		}
	}

	it('a window in a time zone this browser does not know is refused, and nothing changes', async () => {
		const h = await live();
		const before = await fingerprint(h);
		const error = await refused(
			inspect(h.db, { bytes: await withWindow('Mars/Olympus_Mons'), name: 'mars.db' }),
		);
		expect(error.code).toBe('import-corrupt');
		expect(error.message).toBe(
			'This file’s maintenance window 1 (“Nightly”) cannot be used: Choose a time zone this browser knows.',
		);
		expect(await fingerprint(h)).toBe(before);
	});

	it('a good window arrives as it was', async () => {
		const h = await live();
		const preview = await inspect(h.db, {
			bytes: await withWindow('Europe/Berlin'),
			name: 'good.db',
		});
		await commitImport(h.db, { token: preview.token });
		expect(h.db.engine.get('SELECT name, days, time_zone FROM maintenance_windows')).toEqual({
			name: 'Nightly',
			days: 31,
			time_zone: 'Europe/Berlin',
		});
	});
});
