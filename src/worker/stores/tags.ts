/** The `tags` and `monitor_tags` tables: tags and which monitors carry them. */
import type { Tag, TagInput } from '../../shared/tags';
import type { Engine } from '../core/engine';

export function tagRows(engine: Engine): Tag[] {
	return engine.all<Tag>('SELECT id, name, colour FROM tags ORDER BY name COLLATE NOCASE, id');
}

export function tagRow(engine: Engine, id: number): Tag | undefined {
	return engine.get<Tag>('SELECT id, name, colour FROM tags WHERE id = ?', [id]);
}

/** The tag with this name, whatever its case. */
export function tagNamed(engine: Engine, name: string): Tag | undefined {
	return engine.get<Tag>('SELECT id, name, colour FROM tags WHERE name = ? COLLATE NOCASE', [name]);
}

export function insertTag(engine: Engine, tag: TagInput, now: number): number {
	return engine.run('INSERT INTO tags (name, colour, created_at) VALUES (?, ?, ?)', [
		tag.name,
		tag.colour,
		now,
	]).lastInsertRowid;
}

export function updateTagRow(engine: Engine, id: number, tag: TagInput): boolean {
	return (
		engine.run('UPDATE tags SET name = ?, colour = ? WHERE id = ?', [tag.name, tag.colour, id])
			.changes > 0
	);
}

/** Its monitors lose it (foreign keys cascade). */
export function deleteTagRow(engine: Engine, id: number): boolean {
	return engine.run('DELETE FROM tags WHERE id = ?', [id]).changes > 0;
}

/** Which of `ids` are tags that exist. */
export function existingTags(engine: Engine, ids: readonly number[]): number[] {
	return engine
		.all<{ id: number }>(
			'SELECT id FROM tags WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
			[JSON.stringify(ids)],
		)
		.map((r) => r.id);
}

/** Every monitor's tag ids (monitors without tags are absent), ids ascending. */
export function tagIdsByMonitor(
	engine: Engine,
	monitorId: number | null = null,
): Map<number, number[]> {
	const rows = engine.all<{ monitor_id: number; tag_id: number }>(
		monitorId === null
			? 'SELECT monitor_id, tag_id FROM monitor_tags ORDER BY monitor_id, tag_id'
			: 'SELECT monitor_id, tag_id FROM monitor_tags WHERE monitor_id = ? ORDER BY tag_id',
		monitorId === null ? [] : [monitorId],
	);
	const byMonitor = new Map<number, number[]>();
	for (const row of rows) {
		const list = byMonitor.get(row.monitor_id);
		if (list) list.push(row.tag_id);
		else byMonitor.set(row.monitor_id, [row.tag_id]);
	}
	return byMonitor;
}

/** Replaces the monitor's tags with `tagIds` (which must exist). */
export function setMonitorTags(engine: Engine, monitorId: number, tagIds: readonly number[]): void {
	engine.run(
		'DELETE FROM monitor_tags WHERE monitor_id = ? AND tag_id NOT IN (SELECT value FROM json_each(?))',
		[monitorId, JSON.stringify(tagIds)],
	);
	engine.run(
		'INSERT OR IGNORE INTO monitor_tags (monitor_id, tag_id) SELECT ?, value FROM json_each(?)',
		[monitorId, JSON.stringify(tagIds)],
	);
}

/** Gives the tag to those of `monitorIds` that exist; returns how many gained it. */
export function addTagTo(engine: Engine, tagId: number, monitorIds: readonly number[]): number {
	return engine.run(
		`INSERT OR IGNORE INTO monitor_tags (monitor_id, tag_id)
		 SELECT id, ? FROM monitors WHERE id IN (SELECT value FROM json_each(?))`,
		[tagId, JSON.stringify(monitorIds)],
	).changes;
}

/** Takes the tag off `monitorIds`; returns how many lost it. */
export function removeTagFrom(
	engine: Engine,
	tagId: number,
	monitorIds: readonly number[],
): number {
	return engine.run(
		'DELETE FROM monitor_tags WHERE tag_id = ? AND monitor_id IN (SELECT value FROM json_each(?))',
		[tagId, JSON.stringify(monitorIds)],
	).changes;
}
