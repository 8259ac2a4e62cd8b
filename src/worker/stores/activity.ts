/**
 * The `app_log` table (001_init): one row per entry. The entry's kind and details travel in the
 * `context` JSON column ({"kind": …, "details": {…}}), so the table the first schema made serves as it
 * is. A row of an imported file is read defensively: an unknown kind reads as 'other'.
 */
import {
	ACTIVITY_KINDS,
	isActivityKind,
	type ActivityEntry,
	type ActivityKind,
	type ActivityLevel,
} from '../../shared/activity';
import type { Engine } from '../core/engine';

interface Row {
	id: number;
	time: number;
	level: string;
	message: string;
	context: string | null;
}

export function appendActivity(engine: Engine, entry: Omit<ActivityEntry, 'id'>): number {
	engine.run('INSERT INTO app_log (time, level, message, context) VALUES (?, ?, ?, ?)', [
		entry.at,
		entry.level,
		entry.message,
		JSON.stringify({ kind: entry.kind, details: entry.details }),
	]);
	return Number(engine.value('SELECT last_insert_rowid()'));
}

/** Newest first: at most `limit` entries older than `beforeId`, of one kind when given. */
export function listActivity(
	engine: Engine,
	{ kind, beforeId, limit }: { kind?: ActivityKind; beforeId?: number; limit: number },
): ActivityEntry[] {
	const where: string[] = [];
	const params: (string | number)[] = [];
	if (beforeId !== undefined) {
		where.push('id < ?');
		params.push(beforeId);
	}
	if (kind !== undefined) {
		// 'other' also finds rows whose kind is missing or unknown (written by hand, or by a later app).
		where.push(
			kind === 'other'
				? "coalesce(json_extract(context, '$.kind'), 'other') NOT IN (SELECT value FROM json_each(?))"
				: "json_extract(context, '$.kind') = ?",
		);
		params.push(kind === 'other' ? JSON.stringify(KNOWN_KINDS) : kind);
	}
	const rows = engine.all<Row>(
		`SELECT id, time, level, message, context FROM app_log
		 ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
		 ORDER BY id DESC LIMIT ?`,
		[...params, limit],
	);
	return rows.map(entryOf);
}

/** Deletes up to `batch` entries older than `before`; returns how many went. */
export function deleteActivityBefore(engine: Engine, before: number, batch: number): number {
	engine.run(
		'DELETE FROM app_log WHERE id IN (SELECT id FROM app_log WHERE time < ? ORDER BY time LIMIT ?)',
		[before, batch],
	);
	return Number(engine.value('SELECT changes()'));
}

const KNOWN_KINDS = ACTIVITY_KINDS.filter((kind) => kind !== 'other');

function entryOf(row: Row): ActivityEntry {
	let kind: ActivityKind = 'other';
	let details: Record<string, unknown> | null = null;
	try {
		const context: unknown = row.context === null ? null : JSON.parse(row.context);
		if (context && typeof context === 'object' && !Array.isArray(context)) {
			const c = context as { kind?: unknown; details?: unknown };
			if (isActivityKind(c.kind)) kind = c.kind;
			if (c.details && typeof c.details === 'object' && !Array.isArray(c.details))
				details = c.details as Record<string, unknown>;
		}
	} catch {
		// json_valid() is checked by the table, but a file may come from anywhere: read it as 'other'.
	}
	const level: ActivityLevel = row.level === 'warn' || row.level === 'error' ? row.level : 'info';
	return { id: row.id, at: row.time, kind, level, message: row.message, details };
}
