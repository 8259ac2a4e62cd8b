/**
 * The secrets of a database, across their tables: Telegram bot tokens (`telegram_bots.token`),
 * monitors' request headers and bodies (`monitors.headers`, `monitors.body`) and alert channels' secrets
 * (`channels.secret`). Each is stored in clear or sealed: a sealed token starts with `enc:`; the others
 * ("JSON secrets") are a JSON object in clear and a JSON string starting with `"enc:` sealed. A channel's
 * secret travels with the monitors' ones, as the column `channel`. Setting, changing or removing a passphrase, and a database
 * arriving from elsewhere, rewrite them all at once (domain/account).
 */
import { parseJson } from '../../shared/json';
import type { Engine } from '../core/engine';
import { hasTable } from './database-file';

export type SecretTable = 'telegram_bots' | 'monitors' | 'channels';
/** The columns of `monitors` that hold secrets; each has a `needs_<column>` flag for re-entry. */
export const MONITOR_SECRETS = ['headers', 'body'] as const;
/** A JSON secret: a monitor's headers or body, or (`channel`) a channel's `secret` column. */
export type MonitorSecret = (typeof MONITOR_SECRETS)[number] | 'channel';

/** One JSON secret as stored: `stored` is the column's JSON text (an object, or the sealed string). */
export interface MonitorSecretRow {
	id: number;
	column: MonitorSecret;
	stored: string;
}

/** Where a secret is stored: the additional data its ciphertext is bound to (domain/account/crypto.ts). */
export function placeOf(table: SecretTable, id: number, column: MonitorSecret = 'headers'): string {
	if (table === 'telegram_bots') return `telegram_bots.token#${id}`;
	if (table === 'channels' || column === 'channel') return `channels.secret#${id}`;
	return `monitors.${column}#${id}`;
}

/** Every sealed value and its place, for the vault to decrypt once it holds the key (unwrapped from JSON). */
export function sealedValues(engine: Engine): { sealed: string; place: string }[] {
	const tokens = sealedTokens(engine).map((b) => ({
		sealed: b.token,
		place: placeOf('telegram_bots', b.id),
	}));
	const monitors = sealedMonitorSecrets(engine).map((m) => ({
		sealed: m.sealed,
		place: placeOf('monitors', m.id, m.column),
	}));
	return [...tokens, ...monitors];
}

/** The highest row id of a table holding secrets (0 when empty). */
export function maxRowId(engine: Engine, table: SecretTable): number {
	const sql = {
		telegram_bots: 'SELECT coalesce(max(id), 0) FROM telegram_bots',
		monitors: 'SELECT coalesce(max(id), 0) FROM monitors',
		channels: 'SELECT coalesce(max(id), 0) FROM channels',
	}[table];
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

/**
 * The monitor secret columns this schema has (a backup or a read-only file may predate the body's, or
 * even the headers', migration). Column names come from MONITOR_SECRETS only, never from data.
 */
export function monitorSecretColumns(engine: Engine): (typeof MONITOR_SECRETS)[number][] {
	if (!hasTable(engine, 'monitors')) return [];
	const names = new Set(
		engine
			.all<{ name: string }>("SELECT name FROM pragma_table_info('monitors')")
			.map((c) => c.name),
	);
	return MONITOR_SECRETS.filter((c) => names.has(c));
}

/** Where each JSON secret this schema has is read from: its table and column. */
function jsonSecretSources(engine: Engine): { column: MonitorSecret; from: string; sql: string }[] {
	const sources: { column: MonitorSecret; from: string; sql: string }[] = monitorSecretColumns(
		engine,
	).map((c) => ({ column: c, from: 'monitors', sql: c }));
	if (hasTable(engine, 'channels'))
		sources.push({ column: 'channel', from: 'channels', sql: 'secret' });
	return sources;
}

/** JSON secrets that are set (monitors' headers and bodies, channels' secrets), as stored (sealed or not). */
export function storedMonitorSecrets(engine: Engine): MonitorSecretRow[] {
	return jsonSecretSources(engine).flatMap(({ column, from, sql }) =>
		engine
			.all<{ id: number; stored: string }>(
				`SELECT id, ${sql} AS stored FROM ${from} WHERE ${sql} != '{}'`,
			)
			.map((r) => ({ ...r, column })),
	);
}

/** Sealed JSON secrets, the sealed value unwrapped from its JSON string. */
export function sealedMonitorSecrets(
	engine: Engine,
): { id: number; column: MonitorSecret; sealed: string }[] {
	return jsonSecretSources(engine).flatMap(({ column, from, sql }) =>
		engine
			.all<{ id: number; stored: string }>(
				`SELECT id, ${sql} AS stored FROM ${from} WHERE ${sql} LIKE '"enc:%'`,
			)
			.map((m) => ({ id: m.id, column, sealed: parseJson(m.stored) as string })),
	);
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

export function writeMonitorSecret(
	engine: Engine,
	monitorId: number,
	column: MonitorSecret,
	stored: string,
): void {
	if (column === 'channel')
		engine.run('UPDATE channels SET secret = ? WHERE id = ?', [stored, monitorId]);
	else engine.run(`UPDATE monitors SET ${checked(column)} = ? WHERE id = ?`, [stored, monitorId]);
}

function checked(column: MonitorSecret): (typeof MONITOR_SECRETS)[number] {
	if (column === 'channel' || !MONITOR_SECRETS.includes(column))
		throw new Error(`not a monitor secret column: ${String(column)}`);
	return column;
}

/** A token that could not be carried over: removed, and the bot marked to be added again. */
export function removeToken(engine: Engine, botId: number, why: string): void {
	engine.run(
		`UPDATE telegram_bots SET token = 'removed:' || id, needs_token = 1, status = 'error',
		   status_message = ? WHERE id = ?`,
		[why, botId],
	);
}

/** Headers or a body that could not be carried over: removed, and the monitor marked to have it entered again. */
export function removeMonitorSecret(
	engine: Engine,
	monitorId: number,
	column: MonitorSecret,
): void {
	if (column === 'channel') {
		engine.run("UPDATE channels SET secret = '{}', needs_secret = 1 WHERE id = ?", [monitorId]);
		return;
	}
	const c = checked(column);
	engine.run(`UPDATE monitors SET ${c} = '{}', needs_${c} = 1 WHERE id = ?`, [monitorId]);
}

/** A forgotten passphrase: every sealed secret is removed and marked for re-entry. */
export function removeSealedSecrets(engine: Engine, why: string): void {
	engine.run(
		`UPDATE telegram_bots SET token = 'removed:' || id, needs_token = 1, status = 'error',
		   status_message = ? WHERE token LIKE 'enc:%'`,
		[why],
	);
	for (const c of monitorSecretColumns(engine))
		engine.run(`UPDATE monitors SET ${c} = '{}', needs_${c} = 1 WHERE ${c} LIKE '"enc:%'`);
	if (hasTable(engine, 'channels'))
		engine.run(`UPDATE channels SET secret = '{}', needs_secret = 1 WHERE secret LIKE '"enc:%'`);
}

/** Channels with a secret matching `test` (on the `secret` column), or 0 on a schema without channels. */
function countChannels(engine: Engine, test: string): number {
	if (!hasTable(engine, 'channels')) return 0;
	return Number(engine.value(`SELECT count(*) FROM channels WHERE ${test}`));
}

/** Monitors with any secret column matching `test` (`{c}` stands for each column), or 0 without any. */
function countMonitors(engine: Engine, test: string, also = '1'): number {
	const columns = monitorSecretColumns(engine);
	if (columns.length === 0) return 0;
	const any = columns.map((c) => `(${test.replaceAll('{c}', c)})`).join(' OR ');
	return Number(engine.value(`SELECT count(*) FROM monitors WHERE (${any}) AND ${also}`));
}

/** What waits for the passphrase: pending alerts through a sealed token or channel secret, enabled monitors with a sealed secret. */
export function waitingOnKey(engine: Engine): { alerts: number; monitors: number } {
	return {
		alerts:
			Number(
				engine.value(
					`SELECT count(*) FROM outbox o JOIN telegram_chats c ON c.id = o.chat_ref
					 JOIN telegram_bots b ON b.id = c.bot_id WHERE o.status = 'pending' AND b.token LIKE 'enc:%'`,
				),
			) +
			(hasTable(engine, 'channels')
				? Number(
						engine.value(
							`SELECT count(*) FROM outbox o JOIN channels c ON c.id = o.channel_id
							 WHERE o.status = 'pending' AND c.secret LIKE '"enc:%'`,
						),
					)
				: 0),
		monitors: countMonitors(engine, `{c} LIKE '"enc:%'`, 'enabled = 1'),
	};
}

/** Bots and monitors whose secret was removed and must be entered again. */
export function needingReentry(engine: Engine): {
	bots: number;
	monitors: number;
	channels: number;
} {
	return {
		bots: Number(engine.value('SELECT count(*) FROM telegram_bots WHERE needs_token = 1')),
		monitors: countMonitors(engine, 'needs_{c} = 1'),
		channels: countChannels(engine, 'needs_secret = 1'),
	};
}

/** How many secrets a database holds: tokens not removed, monitors with headers or a body. */
export function secretCounts(engine: Engine): {
	bots: number;
	monitors: number;
	channels: number;
} {
	return {
		bots: Number(
			engine.value(
				"SELECT count(*) FROM telegram_bots WHERE needs_token = 0 AND token NOT LIKE 'removed:%'",
			),
		),
		monitors: countMonitors(engine, "{c} != '{}'"),
		channels: countChannels(engine, "secret != '{}'"),
	};
}

/**
 * How many secrets are stored readable: tokens, and monitors with headers or a body not sealed. Safe on
 * any schema (a read-only database may predate the account's, or even the headers', migration).
 */
export function clearSecretCounts(engine: Engine): {
	bots: number;
	monitors: number;
	channels: number;
} {
	return {
		bots: hasTable(engine, 'telegram_bots')
			? Number(
					engine.value(
						"SELECT count(*) FROM telegram_bots WHERE token NOT LIKE 'enc:%' AND token NOT LIKE 'removed:%'",
					),
				)
			: 0,
		monitors: countMonitors(engine, `{c} != '{}' AND {c} NOT LIKE '"enc:%'`),
		channels: countChannels(engine, `secret != '{}' AND secret NOT LIKE '"enc:%'`),
	};
}

/**
 * Every stored secret of a file of any schema since the headers' migration (a backup may predate the
 * account's): tokens not removed, and headers and bodies that are set, sealed or not.
 */
export function secretRows(engine: Engine): {
	bots: { id: number; token: string }[];
	monitors: MonitorSecretRow[];
} {
	return {
		bots: hasTable(engine, 'telegram_bots')
			? engine.all<{ id: number; token: string }>(
					"SELECT id, token FROM telegram_bots WHERE token NOT LIKE 'removed:%'",
				)
			: [],
		monitors: storedMonitorSecrets(engine),
	};
}
