/**
 * The database file as a whole: what SQLite says about it (its pages, its schema version, its tables),
 * read by health, maintenance and the import's comparison; and the two maintenance statements that
 * work on all of it, VACUUM and `PRAGMA optimize`.
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

/** Rewrites the whole file without its free pages. */
export function vacuum(engine: Engine): void {
	engine.exec('VACUUM');
}

/** Refreshes SQLite's statistics where they are stale; returns the ANALYZE statements it ran. */
export function optimize(engine: Engine): string[] {
	// Mask 0x01 only lists what the default mask (0xfffe) would do; then it is done.
	const analyzed = engine
		.all<{ optimize: string }>('PRAGMA optimize(0xffff)')
		.map((r) => r.optimize);
	engine.exec('PRAGMA optimize');
	return analyzed;
}
