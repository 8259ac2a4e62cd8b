/**
 * The `channels` table (webhooks, ntfy, Gotify, Discord, Slack, browser notifications) and
 * `monitor_alert_channels` (the channels a monitor chose). Secrets come out as stored (a JSON object in
 * clear, or a JSON string holding the sealed object): domain/alerts reveals them.
 */
import type { Channel, ChannelConfig, ChannelKind } from '../../shared/channels';
import { parseJson } from '../../shared/json';
import type { Engine } from '../core/engine';

interface ChannelRow {
	id: number;
	kind: string;
	name: string;
	config: string;
	secret: string;
	needs_secret: number;
	is_default: number;
	enabled: number;
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	'id, kind, name, config, secret, needs_secret, is_default, enabled, created_at, updated_at';

/** A channel as stored, its secret column's text as it is (sealed or not). */
export interface StoredChannel extends Channel {
	storedSecret: string;
}

function toChannel(r: ChannelRow): StoredChannel {
	return {
		id: r.id,
		kind: r.kind as ChannelKind,
		name: r.name,
		config: parseJson(r.config) as ChannelConfig,
		hasSecret: r.secret !== '{}',
		needsSecret: r.needs_secret === 1,
		isDefault: r.is_default === 1,
		enabled: r.enabled === 1,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
		storedSecret: r.secret,
	};
}

export function listStoredChannels(engine: Engine): StoredChannel[] {
	return engine.all<ChannelRow>(`SELECT ${COLUMNS} FROM channels ORDER BY id`).map(toChannel);
}

export function findStoredChannel(engine: Engine, id: number): StoredChannel | null {
	const row = engine.get<ChannelRow>(`SELECT ${COLUMNS} FROM channels WHERE id = ?`, [id]);
	return row ? toChannel(row) : null;
}

export interface ChannelWrite {
	id: number;
	kind: ChannelKind;
	name: string;
	config: ChannelConfig;
	/** The secret column's text (a JSON object, or the JSON string of a sealed one). */
	storedSecret: string;
	/** Still to be entered again (see channels.needs_secret). */
	needsSecret: boolean;
	isDefault: boolean;
	enabled: boolean;
	now: number;
}

/** Inserts the channel with its id (reserved before its secret was sealed), or updates it. */
export function saveChannel(engine: Engine, c: ChannelWrite): void {
	engine.run(
		`INSERT INTO channels (id, kind, name, config, secret, needs_secret, is_default, enabled, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, secret = excluded.secret,
		   needs_secret = excluded.needs_secret, is_default = excluded.is_default, enabled = excluded.enabled,
		   updated_at = excluded.updated_at`,
		[
			c.id,
			c.kind,
			c.name,
			JSON.stringify(c.config),
			c.storedSecret,
			c.needsSecret ? 1 : 0,
			c.isDefault ? 1 : 0,
			c.enabled ? 1 : 0,
			c.now,
			c.now,
		],
	);
}

export function deleteChannel(engine: Engine, id: number): boolean {
	return engine.run('DELETE FROM channels WHERE id = ?', [id]).changes > 0;
}

/** The channels a monitor chose (for mode 'chosen'). */
export function chosenChannelIds(engine: Engine, monitorId: number): number[] {
	return engine
		.all<{
			channel_id: number;
		}>('SELECT channel_id FROM monitor_alert_channels WHERE monitor_id = ? ORDER BY channel_id', [
			monitorId,
		])
		.map((r) => r.channel_id);
}

export function setChosenChannels(engine: Engine, monitorId: number, ids: readonly number[]): void {
	engine.run('DELETE FROM monitor_alert_channels WHERE monitor_id = ?', [monitorId]);
	for (const id of ids)
		engine.run('INSERT INTO monitor_alert_channels (monitor_id, channel_id) VALUES (?, ?)', [
			monitorId,
			id,
		]);
}

/** Where a monitor's alerts go among the channels: enabled ones, its chosen or the default set. */
export function alertChannelIds(engine: Engine, monitorId: number): number[] {
	const mode =
		engine.value<string>('SELECT mode FROM monitor_alerts WHERE monitor_id = ?', [monitorId]) ??
		'default';
	if (mode === 'off') return [];
	const sql =
		mode === 'chosen'
			? `SELECT c.id FROM monitor_alert_channels a JOIN channels c ON c.id = a.channel_id
			   WHERE a.monitor_id = ? AND c.enabled = 1 ORDER BY c.id`
			: 'SELECT id FROM channels WHERE is_default = 1 AND enabled = 1 AND ? IS NOT NULL ORDER BY id';
	return engine.all<{ id: number }>(sql, [monitorId]).map((r) => r.id);
}
