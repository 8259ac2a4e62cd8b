/**
 * What SQLite says about the database file itself: its pages, its schema version and its tables.
 * Health, maintenance and the import's comparison read it here.
 */
import type { Engine } from '../core/engine';

export interface PageStats {
	pageSize: number;
	pageCount: number;
	freePages: number;
}

export function pageStats(engine: Engine): PageStats {
	return {
		pageSize: Number(engine.value('PRAGMA page_size')),
		pageCount: Number(engine.value('PRAGMA page_count')),
		freePages: Number(engine.value('PRAGMA freelist_count')),
	};
}

/** The database's size: pages in use by SQLite, as the Database page reports it. */
export function fileSize(engine: Engine): number {
	return Number(engine.value('PRAGMA page_size')) * Number(engine.value('PRAGMA page_count'));
}

export function schemaVersion(engine: Engine): number {
	return Number(engine.value('PRAGMA user_version') ?? 0);
}

export function hasTable(engine: Engine, name: string): boolean {
	return (
		Number(
			engine.value("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [name]),
		) === 1
	);
}

/** Every table (SQLite's own left out) with its number of rows, by name. */
export function tableRows(engine: Engine): { name: string; rows: number }[] {
	return engine
		.all<{ name: string }>(
			"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
		)
		.map(({ name }) => ({
			name,
			rows: Number(engine.value(`SELECT count(*) FROM "${name.replace(/"/g, '""')}"`)),
		}));
}
