/**
 * A monitor's latest checks once compaction has moved every one of them into blocks (a monitor not
 * checked for over a day: paused, or the app left closed). The list and the monitor page then read its
 * last check and its check bar from its newest block, the only block inflated. What a block gave is kept
 * per block (compaction never changes a block in place: it writes a new row with other counts), so a list
 * refreshed after every check inflates nothing it has inflated before.
 */
import type { Engine } from '../../core/engine';
import { decodeBlock } from '../../stores/history/block';
import { newestBlocks, type BlockWithBody } from '../../stores/history/blocks';
import type { HistoryCheck } from '../../stores/history/checks';
import type { Compression } from '../../stores/history/compression';

/** Blocks remembered per database: a few hundred monitors' newest, each a few dozen checks. */
const REMEMBERED = 1000;
const remembered = new WeakMap<Engine, Map<string, HistoryCheck[]>>();

/** What tells one block row from another that reused its id (the same span, rewritten with more checks). */
const keyOf = (b: BlockWithBody) =>
	[b.id, b.monitorId, b.start, b.end, b.summary.checks, b.summary.sumTenths, b.bytes].join(':');

/** The latest `keep` checks of a block, oldest first (checks that started together: as written). */
async function tailOf(
	block: BlockWithBody,
	compression: Compression,
	keep: number,
): Promise<HistoryCheck[]> {
	const checks = await decodeBlock(block.body, compression, {
		expect: { count: block.summary.checks, start: block.start, end: block.end },
	});
	// Array.prototype.sort is stable, as in raw.ts.
	return checks.sort((a, b) => a.startedAt - b.startedAt).slice(-keep);
}

/**
 * The block side of a read: each monitor's newest block, read now (in the caller's synchronous step,
 * so it belongs to the same state of the database as the rest of the read), inflated on `finish`.
 */
export function newestFromBlocks(
	engine: Engine,
	monitorIds: readonly number[],
	keep: number,
): (compression: Compression) => Promise<Map<number, HistoryCheck[]>> {
	const blocks = monitorIds.length === 0 ? [] : newestBlocks(engine, monitorIds);
	return async (compression) => {
		let cache = remembered.get(engine);
		if (!cache) remembered.set(engine, (cache = new Map<string, HistoryCheck[]>()));
		const found = new Map<number, HistoryCheck[]>();
		for (const block of blocks) {
			if (!block) continue;
			const key = keyOf(block);
			let tail = cache.get(key);
			if (!tail || tail.length < keep) {
				tail = await tailOf(block, compression, keep);
				if (cache.size >= REMEMBERED) cache.delete(cache.keys().next().value!);
				cache.set(key, tail);
			}
			found.set(block.monitorId, tail.slice(-keep));
		}
		return found;
	};
}
