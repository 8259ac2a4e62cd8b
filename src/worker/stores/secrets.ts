/**
 * The secrets of a database, across their tables: Telegram bot tokens (`telegram_bots.token`) and
 * monitor request headers (`monitors.headers`). Each is stored in clear or sealed: a sealed token starts
 * with `enc:`, sealed headers are a JSON string starting with `"enc:`. Setting, changing or removing a
 * passphrase, and a database arriving from elsewhere, rewrite them all at once (domain/account).
 */
import { parseJson } from '../../shared/json';
import type { Engine } from '../core/engine';
import { hasTable } from './database-file';

/** Where a secret is stored: the additional data its ciphertext is bound to (domain/account/crypto.ts). */
export function placeOf(table: SecretTable, id: number): string {
	return table === 'telegram_bots' ? `telegram_bots.token#${id}` : `monitors.headers#${id}`;
}

export type SecretTable = 'telegram_bots' | 'monitors';

/** Every sealed value and its place, for the vault to decrypt once it holds the key (headers unwrapped from JSON). */
export function sealedValues(engine: Engine): { sealed: string; place: string }[] {
	const tokens = sealedTokens(engine).map((b) => ({
		sealed: b.token,
		place: placeOf('telegram_bots', b.id),
	}));
	const headers = sealedHeaders(engine).map((m) => ({
		sealed: m.sealed,
		place: placeOf('monitors', m.id),
	}));
	return [...tokens, ...headers];
}

/** The highest row id of a table holding secrets (0 when empty). */
export function maxRowId(engine: Engine, table: SecretTable): number {
	const sql =
		table === 'telegram_bots'
			? 'SELECT coalesce(max(id), 0) FROM telegram_bots'
			: 'SELECT coalesce(max(id), 0) FROM monitors';
	return Number(engine.value(sql));
}

/** The bot already stored for this Telegram bot user, whose row a new token replaces. */
export function botRowId(engine: Engine, botUserId: number): number | null {
	const id = engine.value('SELECT id FROM telegram_bots WHERE bot_user_id = ?', [botUserId]);
	return id === undefined || id === null ? null : Number(id);
}

/** The tokens there are (not removed for re-entry), sealed or not. */
export function storedTokens(engine: Engine): { id: number; token: string }[] {
	return engine.all<{ id: number; token: string }>(
		'SELECT id, token FROM telegram_bots WHERE needs_token = 0',
	);
}

export function sealedTokens(engine: Engine): { id: number; token: string }[] {
	return engine.all<{ id: number; token: string }>(
		"SELECT id, token FROM telegram_bots WHERE token LIKE 'enc:%'",
	);
}

/** Monitors with headers, as stored (a JSON object, or a JSON string holding the sealed one). */
export function storedHeaders(engine: Engine): { id: number; headers: string }[] {
	return engine.all<{ id: number; headers: string }>(
		"SELECT id, headers FROM monitors WHERE headers != '{}'",
	);
}

/** Monitors whose headers are sealed, the sealed value unwrapped from its JSON string. */
export function sealedHeaders(engine: Engine): { id: number; sealed: string }[] {
	return engine
		.all<{ id: number; headers: string }>(
			`SELECT id, headers FROM monitors WHERE headers LIKE '"enc:%'`,
		)
		.map((m) => ({ id: m.id, sealed: parseJson(m.headers) as string }));
}

/** Replaces a token; `hint` (the bot's public id) too, when given. */
export function writeToken(engine: Engine, botId: number, token: string, hint?: string): void {
	if (hint === undefined)
		engine.run('UPDATE telegram_bots SET token = ? WHERE id = ?', [token, botId]);
	else
		engine.run('UPDATE telegram_bots SET token = ?, token_hint = ? WHERE id = ?', [
			token,
			hint,
			botId,
		]);
}

export function writeHeaders(engine: Engine, monitorId: number, headers: string): void {
	engine.run('UPDATE monitors SET headers = ? WHERE id = ?', [headers, monitorId]);
}

/** A token that could not be carried over: removed, and the bot marked to be added again. */
export function removeToken(engine: Engine, botId: number, why: string): void {
	engine.run(
		`UPDATE telegram_bots SET token = 'removed:' || id, needs_token = 1, status = 'error',
		   status_message = ? WHERE id = ?`,
		[why, botId],
	);
}

/** Headers that could not be carried over: removed, and the monitor marked to have them entered again. */
export function removeHeaders(engine: Engine, monitorId: number): void {
	engine.run(`UPDATE monitors SET headers = '{}', needs_headers = 1 WHERE id = ?`, [monitorId]);
}

/** A forgotten passphrase: every sealed secret is removed and marked for re-entry. */
export function removeSealedSecrets(engine: Engine, why: string): void {
	engine.run(
		`UPDATE telegram_bots SET token = 'removed:' || id, needs_token = 1, status = 'error',
		   status_message = ? WHERE token LIKE 'enc:%'`,
		[why],
	);
	engine.run(`UPDATE monitors SET headers = '{}', needs_headers = 1 WHERE headers LIKE '"enc:%'`);
}

/** What waits for the passphrase: pending alerts through a sealed token, enabled monitors with sealed headers. */
export function waitingOnKey(engine: Engine): { alerts: number; monitors: number } {
	return {
		alerts: Number(
			engine.value(
				`SELECT count(*) FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref
				 JOIN telegram_bots b ON b.id = c.bot_id WHERE o.status = 'pending' AND b.token LIKE 'enc:%'`,
			),
		),
		monitors: Number(
			engine.value(`SELECT count(*) FROM monitors WHERE enabled = 1 AND headers LIKE '"enc:%'`),
		),
	};
}

/** Bots and monitors whose secret was removed and must be entered again. */
export function needingReentry(engine: Engine): { bots: number; monitors: number } {
	return {
		bots: Number(engine.value('SELECT count(*) FROM telegram_bots WHERE needs_token = 1')),
		monitors: Number(engine.value('SELECT count(*) FROM monitors WHERE needs_headers = 1')),
	};
}

/** How many secrets a database holds: tokens not removed, monitors with headers. */
export function secretCounts(engine: Engine): { bots: number; monitors: number } {
	return {
		bots: Number(
			engine.value(
				"SELECT count(*) FROM telegram_bots WHERE needs_token = 0 AND token NOT LIKE 'removed:%'",
			),
		),
		monitors: Number(engine.value("SELECT count(*) FROM monitors WHERE headers != '{}'")),
	};
}

/**
 * How many secrets are stored readable: tokens and non-empty headers that are not sealed. Safe on any
 * schema (a read-only database may predate the account's, or even the headers', migration).
 */
export function clearSecretCounts(engine: Engine): { bots: number; monitors: number } {
	const headersColumn = hasHeaders(engine);
	return {
		bots: hasTable(engine, 'telegram_bots')
			? Number(
					engine.value(
						"SELECT count(*) FROM telegram_bots WHERE token NOT LIKE 'enc:%' AND token NOT LIKE 'removed:%'",
					),
				)
			: 0,
		monitors: headersColumn
			? Number(
					engine.value(
						`SELECT count(*) FROM monitors WHERE headers != '{}' AND headers NOT LIKE '"enc:%'`,
					),
				)
			: 0,
	};
}

/**
 * Every stored secret of a file of any schema since the headers' migration (a backup may predate the
 * account's): tokens not removed, and non-empty headers, sealed or not.
 */
export function secretRows(engine: Engine): {
	bots: { id: number; token: string }[];
	monitors: { id: number; headers: string }[];
} {
	return {
		bots: hasTable(engine, 'telegram_bots')
			? engine.all<{ id: number; token: string }>(
					"SELECT id, token FROM telegram_bots WHERE token NOT LIKE 'removed:%'",
				)
			: [],
		monitors: hasHeaders(engine)
			? engine.all<{ id: number; headers: string }>(
					"SELECT id, headers FROM monitors WHERE headers != '{}'",
				)
			: [],
	};
}

function hasHeaders(engine: Engine): boolean {
	return (
		hasTable(engine, 'monitors') &&
		engine.value("SELECT count(*) FROM pragma_table_info('monitors') WHERE name = 'headers'") === 1
	);
}
