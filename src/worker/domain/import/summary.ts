/** What the import's confirmation shows of a database, side by side with the other one. */
import type { DatabaseSummary } from '../../../shared/transfer';
import type { Engine } from '../../core/engine';

function hasTable(engine: Engine, name: string): boolean {
	return Boolean(
		engine.value("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", [name]),
	);
}

/**
 * Read only from a database whose schema is Monitor's (the live one, or an incoming file after its
 * schema was checked): the tables may be missing on an old or odd schema, never replaced by views.
 */
export function summarize(engine: Engine, sizeBytes: number): DatabaseSummary {
	const monitors = hasTable(engine, 'monitors');
	const checks = hasTable(engine, 'checks');
	const newest = [
		monitors ? engine.value('SELECT max(updated_at) FROM monitors') : null,
		checks ? engine.value('SELECT max(started_at) FROM checks') : null,
	].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	return {
		sizeBytes,
		schemaVersion: Number(engine.value('PRAGMA user_version') ?? 0),
		monitorCount: monitors ? Number(engine.value('SELECT count(*) FROM monitors')) : 0,
		newestActivity: newest.length > 0 ? Math.max(...newest) : null,
	};
}

/** The live database's size: pages in use by SQLite, as the Database page reports it. */
export function sizeOf(engine: Engine): number {
	return Number(engine.value('PRAGMA page_size')) * Number(engine.value('PRAGMA page_count'));
}
