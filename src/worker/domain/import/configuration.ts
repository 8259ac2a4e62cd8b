/**
 * The configuration-only export, for sharing a setup: the monitors, the app settings and the Telegram
 * bots and chats, with no history and no secret. It is a copy of the live database with the history,
 * logs and secrets taken out, so it is a Monitor database like any other (same schema and ledger) and
 * imports, by Replace or by Merge, through the same checks; the tables added by later migrations come
 * along unless listed here.
 */
import { configurationFilename, type ExportedFile } from '../../../shared/transfer';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { hasTable } from '../../stores/database-file';
import { MONITOR_SECRETS, removeToken } from '../../stores/secrets';
import { IMPORT_PAUSED_KEY, LAST_EXPORT_KEY } from '../../stores/settings';

/** What a configuration file leaves out: history, logs, sessions, the passphrase and pending alerts. */
const LEFT_OUT = [
	'checks',
	'history_blocks',
	'rollups',
	'events',
	'maintenance_events',
	'outbox',
	'health_samples',
	'health_alerts',
	'app_log',
	'sessions',
	'users',
	'_requests',
] as const;

const TOKEN_LEFT_OUT = 'Not part of a configuration file: add the bot’s token again.';

/** Takes everything but the configuration out of `engine` (a copy). */
export function stripToConfiguration(engine: Engine): void {
	engine.transaction(() => {
		for (const table of LEFT_OUT) if (hasTable(engine, table)) engine.run(`DELETE FROM ${table}`);
		engine.run(
			`UPDATE monitor_status SET state = 'unknown', state_since = NULL, retrying = 0, failures = 0,
			   last_check_id = NULL, maintenance_since = NULL, maintenance_until = NULL,
			   maintenance_window_id = NULL`,
		);
		for (const { id } of engine.all<{ id: number }>(
			'SELECT id FROM telegram_bots WHERE needs_token = 0',
		))
			removeToken(engine, id, TOKEN_LEFT_OUT);
		engine.run('UPDATE telegram_bots SET update_offset = 0');
		for (const column of MONITOR_SECRETS)
			engine.run(
				`UPDATE monitors SET ${column} = '{}', needs_${column} = 1 WHERE ${column} != '{}'`,
			);
		// Alert channels (009): a token, a secret header value, a Discord or Slack webhook address.
		if (hasTable(engine, 'channels'))
			engine.run(`UPDATE channels SET secret = '{}', needs_secret = 1 WHERE secret != '{}'`);
		engine.run('DELETE FROM settings WHERE key IN (?, ?)', [LAST_EXPORT_KEY, IMPORT_PAUSED_KEY]);
	});
	// Deleted rows leave their bytes in free pages (secure_delete zeroes them): VACUUM drops the pages.
	engine.exec('VACUUM');
}

export async function exportConfiguration(db: LiveDatabase, now: number): Promise<ExportedFile> {
	await db.settled();
	const copy = db.copy();
	try {
		stripToConfiguration(copy);
		return { filename: configurationFilename(now), bytes: copy.db.export(), takenAt: now };
	} finally {
		copy.db.close();
	}
}
