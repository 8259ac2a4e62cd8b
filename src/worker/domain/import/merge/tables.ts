/**
 * The tables a merge carries over, one descriptor each, in the order they are merged (a table after
 * the tables it refers to). A descriptor says how a row of the file is recognised as one already here
 * (`match`), which columns hold ids of other merged tables (`refs`, remapped to this database's ids),
 * and what a row that is added gets changed (`prepare`). History (`checks`, `history_blocks`,
 * `rollups`) is joined by history.ts between `beforeHistory` and `afterHistory`, since a check is
 * matched by its times, not by a row.
 *
 * A table added by a later migration is merged by adding its descriptor here (as tags, 010, are).
 * Tables named here but missing from this database's schema are left alone, so a descriptor may land
 * before its migration. Alert channels (009) are not merged yet: their secrets need carrySecrets
 * (merge.ts) and the configuration export's stripping (configuration.ts).
 */
import type { Engine, Param, Row } from '../../../core/engine';

/** A column that holds another merged table's id; `nullable`: unmapped becomes NULL, else the row is left out. */
export interface Ref {
	table: string;
	nullable: boolean;
}

export const ref = (table: string, nullable = false): Ref => ({ table, nullable });

/** This database's id (or, without `id`, a truthy row) for a file row whose refs are already remapped. */
export type Matcher = (target: Engine, table: string, row: Row) => number | null;

export interface MergeTable {
	table: string;
	/** The integer primary key given anew to added rows; null for a table keyed by its refs. */
	id: string | null;
	match: Matcher;
	refs?: Readonly<Record<string, Ref>>;
	/**
	 * Only rows whose ref in this column points at a row this merge added: the settings hanging off a
	 * monitor both have stay this database's.
	 */
	onlyForAdded?: string;
	/** Changes a row about to be added (in place); the context says what the merge decided so far. */
	prepare?: (row: Row, context: PrepareContext) => void;
}

export interface PrepareContext {
	settings: 'mine' | 'theirs';
}

/** The row of `table` whose `columns` equal the file row's (NULLs equal); its id, or 1 for a keyless table. */
export function byColumns(...columns: string[]): Matcher {
	return (target, table, row) => {
		const where = columns.map((c) => `${quote(c)} IS ?`).join(' AND ');
		const found = target.get<{ id: number }>(
			`SELECT rowid AS id FROM ${quote(table)} WHERE ${where} ORDER BY rowid LIMIT 1`,
			columns.map((c) => row[c] as Param),
		);
		return found ? found.id : null;
	};
}

/** A Telegram bot: the same bot user, or (before it was ever verified) the same token. */
const sameBot: Matcher = (target, table, row) =>
	row.bot_user_id !== null
		? byColumns('bot_user_id')(target, table, row)
		: byColumns('token')(target, table, row);

/** A tag: the same name, whatever its case (names are unique so, see 010_tags.sql). */
const sameTag: Matcher = (target, _table, row) =>
	target.get<{ id: number }>('SELECT id FROM tags WHERE name = ? COLLATE NOCASE LIMIT 1', [
		row.name as Param,
	])?.id ?? null;

/** Before history: monitors first, then what hangs off them and Telegram. */
export const BEFORE_HISTORY: readonly MergeTable[] = [
	{
		table: 'monitors',
		id: 'id',
		// The same monitor: the same method and URL (settings may differ: a conflict, see merge.ts).
		match: byColumns('method', 'url'),
		// Arrives paused, as an imported monitor does (merge.ts remembers it for "Resume all").
		prepare: (row) => {
			row.enabled = 0;
		},
	},
	// Tags (010): the file's tags join this database's by name; a monitor keeps its own and gains the file's.
	{ table: 'tags', id: 'id', match: sameTag },
	{
		table: 'monitor_tags',
		id: null,
		match: byColumns('monitor_id', 'tag_id'),
		refs: { monitor_id: ref('monitors'), tag_id: ref('tags') },
	},
	// Maintenance windows (011): the same window is the same schedule under the same name; an added one
	// covers the file's monitors as they map here.
	{
		table: 'maintenance_windows',
		id: 'id',
		match: byColumns(
			'name',
			'kind',
			'starts_at',
			'ends_at',
			'days',
			'start_minute',
			'end_minute',
			'time_zone',
			'all_monitors',
		),
	},
	{
		table: 'maintenance_window_monitors',
		id: null,
		match: byColumns('window_id', 'monitor_id'),
		refs: { window_id: ref('maintenance_windows'), monitor_id: ref('monitors') },
	},
	{
		table: 'telegram_bots',
		id: 'id',
		match: sameBot,
		// A token is bound to its row (and "removed:<id>" names the file's row): merge.ts writes it.
		prepare: (row) => {
			row.token = `merging:${crypto.randomUUID()}`;
		},
	},
	{
		table: 'telegram_chats',
		id: 'id',
		match: byColumns('bot_id', 'chat_id'),
		refs: { bot_id: ref('telegram_bots') },
		// Default chats are a setting of this database, kept unless the person picks the file's.
		prepare: (row, { settings }) => {
			if (settings === 'mine') row.is_default = 0;
		},
	},
	{
		table: 'monitor_alerts',
		id: null,
		match: byColumns('monitor_id'),
		refs: { monitor_id: ref('monitors') },
		onlyForAdded: 'monitor_id',
	},
	{
		table: 'monitor_alert_chats',
		id: null,
		match: byColumns('monitor_id', 'chat_ref'),
		refs: { monitor_id: ref('monitors'), chat_ref: ref('telegram_chats') },
		onlyForAdded: 'monitor_id',
	},
];

/** After history: what refers to checks (whose ids history.ts gave the added rows). */
export const AFTER_HISTORY: readonly MergeTable[] = [
	{
		table: 'monitor_status',
		id: null,
		match: byColumns('monitor_id'),
		refs: {
			monitor_id: ref('monitors'),
			last_check_id: ref('checks', true),
			maintenance_window_id: ref('maintenance_windows', true),
		},
	},
	{
		table: 'events',
		id: 'id',
		// A state change is the same one at the same instant to the same state.
		match: byColumns('monitor_id', 'at', 'to_state'),
		refs: { monitor_id: ref('monitors'), check_id: ref('checks', true) },
	},
	{
		table: 'maintenance_events',
		id: 'id',
		// A start or end of maintenance is the same one at the same instant.
		match: byColumns('monitor_id', 'at', 'kind'),
		refs: { monitor_id: ref('monitors'), window_id: ref('maintenance_windows', true) },
	},
];

export function quote(name: string): string {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL name: ${name}`);
	return `"${name}"`;
}
