/**
 * Checks every block of a database that came from elsewhere (an import) before it is trusted: each is
 * inflated within its bounds (one at a time, so memory stays at one block's worth whatever the file holds)
 * and must hold exactly the checks its row announces: their number, their span and their counts.
 */
import { AppError, ERROR_CATALOGUE } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import { hasTable } from '../../stores/database-file';
import { decodeBlock } from '../../stores/history/block';
import { blockPage, type BlockWithBody } from '../../stores/history/blocks';
import type { Compression } from '../../stores/history/compression';
import { summarize } from '../../stores/history/summary';

const PAGE = 200;
/** A block of ~360 checks inflates to a few KB; 1 MiB leaves room for a day of checks every 10 s. */
const MAX_IMPORTED_COLUMNS_BYTES = 1024 * 1024;

function refuse(block: BlockWithBody, reason: string): AppError {
	return new AppError(
		'import-history-corrupt',
		`${ERROR_CATALOGUE['import-history-corrupt']} (block ${block.id} of monitor ${block.monitorId}: ${reason})`,
		{ block: block.id, monitorId: block.monitorId, reason },
	);
}

async function verifyBlock(block: BlockWithBody, compression: Compression): Promise<void> {
	let checks;
	try {
		checks = await decodeBlock(block.body, compression, {
			expect: { count: block.summary.checks, start: block.start, end: block.end },
			maxColumnsBytes: MAX_IMPORTED_COLUMNS_BYTES,
		});
	} catch (error) {
		if (error instanceof AppError) {
			const reason = error.detail?.reason;
			throw refuse(block, typeof reason === 'string' ? reason : error.message);
		}
		throw error;
	}
	const { firstAt: _first, lastAt: _last, ...counts } = summarize(checks);
	const mismatch = (Object.keys(counts) as (keyof typeof counts)[]).find(
		(key) => counts[key] !== block.summary[key],
	);
	if (mismatch) throw refuse(block, `its row's ${mismatch} does not match its checks`);
}

/** Resolves when every block is sound; otherwise rejects with `import-history-corrupt`. */
export async function verifyBlocks(engine: Engine, compression: Compression): Promise<number> {
	if (!hasTable(engine, 'history_blocks')) return 0;
	let verified = 0;
	for (let after = 0; ;) {
		const page = blockPage(engine, after, PAGE);
		if (page.length === 0) return verified;
		for (const block of page) await verifyBlock(block, compression);
		verified += page.length;
		after = page[page.length - 1]!.id;
	}
}
