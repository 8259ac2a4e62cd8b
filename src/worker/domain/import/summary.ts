/** What the import's confirmation shows of a database, side by side with the other one. */
import type { DatabaseSummary } from '../../../shared/transfer';
import type { Engine } from '../../core/engine';
import { newestCheckAt } from '../../stores/checks';
import { hasTable, schemaVersion } from '../../stores/database-file';
import { lastMonitorChange, monitorCount } from '../../stores/monitors';

/**
 * Read only from a database whose schema is Monitor's (the live one, or an incoming file after its
 * schema was checked): the tables may be missing on an old or odd schema, never replaced by views.
 */
export function summarize(engine: Engine, sizeBytes: number): DatabaseSummary {
	const monitors = hasTable(engine, 'monitors');
	const checks = hasTable(engine, 'checks');
	const newest = [
		monitors ? lastMonitorChange(engine) : null,
		checks ? newestCheckAt(engine) : null,
	].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	return {
		sizeBytes,
		schemaVersion: schemaVersion(engine),
		monitorCount: monitors ? monitorCount(engine) : 0,
		newestActivity: newest.length > 0 ? Math.max(...newest) : null,
	};
}
