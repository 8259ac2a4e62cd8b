/**
 * The size of check history by tier for the Database page. sql.js is built without SQLite's dbstat, so
 * bytes are estimated: blocks by their exact byte length plus their row, rows and rollups by what one
 * costs in a file, measured with dbstat by the history benchmark (tests/bench/results/history.md).
 */
import type { HistoryTiers } from '../../../shared/health';
import type { Engine } from '../../core/engine';
import { hasTable } from '../../stores/database-file';
import { blockTotals } from '../../stores/history/blocks';
import { rowTotals } from '../../stores/history/rows';
import { rollupCount } from '../../stores/rollups';

/** A `checks` row with its two index entries, in a live file. */
const ROW_BYTES = 93;
/** A rollup row with its index entry. */
const ROLLUP_BYTES = 76;
/** A block's row around its body: key, counts and its index entry. */
const BLOCK_ROW_BYTES = 60;

export function historyTiers(engine: Engine): HistoryTiers | undefined {
	if (!hasTable(engine, 'history_blocks')) return undefined;
	const { rows } = rowTotals(engine);
	const blocks = blockTotals(engine);
	const rollups = rollupCount(engine);
	const tiers = {
		rows: { rows, bytes: rows * ROW_BYTES },
		blocks: { ...blocks, bytes: blocks.bytes + blocks.blocks * BLOCK_ROW_BYTES },
		rollups: { rows: rollups, bytes: rollups * ROLLUP_BYTES },
	};
	const checks = rows + blocks.checks;
	const bytes = tiers.rows.bytes + tiers.blocks.bytes + tiers.rollups.bytes;
	return { ...tiers, bytesPerCheck: checks ? bytes / checks : null };
}
