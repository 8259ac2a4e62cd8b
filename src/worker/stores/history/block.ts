/**
 * A block: one monitor's checks over a span of time, as one byte string (layout in README.md, "Block"):
 * a small frame, then two raw deflate streams, the columns and the durations' low bytes. The frame says how
 * long each stream inflates before anything is inflated, so a bomb stops there, and carries a CRC-32 of
 * what the streams hold, because raw deflate has no checksum of its own.
 */
import { ByteReader, ByteWriter } from './bytes';
import { MAX_CHECKS_PER_BLOCK, type HistoryCheck } from './checks';
import type { Compression } from './compression';
import { crc32 } from './crc32';
import { blockCorrupt, checkUnstorable } from './errors';
import { readPayload, writePayload } from './payload';
import { sameSummary, summarize, type BlockSummary } from './summary';

export const BLOCK_FORMAT = 1;
/** A day of checks every 10 s takes about 60 KB of columns; only pathological messages come near this. */
export const MAX_COLUMNS_BYTES = 4 * 1024 * 1024;

export interface EncodedBlock {
	summary: BlockSummary;
	body: Uint8Array;
	/** The size of what was compressed (for measurements). */
	inflatedBytes: number;
}

export async function encodeBlock(
	checks: readonly HistoryCheck[],
	compression: Compression,
): Promise<EncodedBlock> {
	const { count, columns, lowBytes } = writePayload(checks);
	if (columns.length > MAX_COLUMNS_BYTES)
		throw checkUnstorable(
			`the block's columns take ${columns.length} bytes, above ${MAX_COLUMNS_BYTES}`,
		);
	const [packedColumns, packedLowBytes] = await Promise.all([
		compression.deflate(columns),
		compression.deflate(lowBytes),
	]);
	const frame = new ByteWriter();
	frame.byte(BLOCK_FORMAT);
	frame.uint(count);
	frame.uint(columns.length);
	frame.u32(crc32(lowBytes, crc32(columns)));
	frame.section(packedColumns);
	frame.bytes(packedLowBytes);
	return {
		summary: summarize(checks),
		body: frame.finish(),
		inflatedBytes: columns.length + lowBytes.length,
	};
}

/** What the block's row says about it; the block is refused unless its checks agree. */
export interface BlockExpectations {
	count?: number;
	/** Every check started in [start, end). */
	start?: number;
	end?: number;
	summary?: BlockSummary;
}

export interface DecodeOptions {
	expect?: BlockExpectations;
	/** A lower bound than MAX_COLUMNS_BYTES on what the columns may inflate to. */
	maxColumnsBytes?: number;
}

/** The checks of a block, in the order they were written; any flaw is a `history-block-corrupt` error. */
export async function decodeBlock(
	body: Uint8Array,
	compression: Compression,
	options: DecodeOptions = {},
): Promise<HistoryCheck[]> {
	const frame = new ByteReader(body, 'block frame');
	const format = frame.byte();
	if (format !== BLOCK_FORMAT) throw blockCorrupt(`unknown block format ${format}`);
	const count = frame.uint(MAX_CHECKS_PER_BLOCK);
	const columnsLength = frame.uint(
		Math.min(options.maxColumnsBytes ?? Infinity, MAX_COLUMNS_BYTES),
	);
	const checksum = frame.u32();
	const packedColumns = frame.bytes(frame.uint());
	const packedLowBytes = frame.bytes(frame.remaining);
	// Both lengths are known before inflating: each stream stops one byte past its own.
	const [columns, lowBytes] = await Promise.all([
		compression.inflate(packedColumns, columnsLength),
		compression.inflate(packedLowBytes, count),
	]);
	if (crc32(lowBytes, crc32(columns)) !== checksum)
		throw blockCorrupt('the inflated columns do not match their checksum');
	const checks = readPayload({ count, columns, lowBytes });
	if (options.expect) checkExpectations(checks, options.expect);
	return checks;
}

function checkExpectations(checks: readonly HistoryCheck[], expect: BlockExpectations): void {
	const summary = summarize(checks);
	if (expect.count !== undefined && expect.count !== summary.checks)
		throw blockCorrupt(`the block holds ${summary.checks} checks, its row says ${expect.count}`);
	if (expect.start !== undefined && summary.firstAt < expect.start)
		throw blockCorrupt(`a check started at ${summary.firstAt}, before the block's span`);
	if (expect.end !== undefined && summary.lastAt >= expect.end)
		throw blockCorrupt(`a check started at ${summary.lastAt}, after the block's span`);
	if (expect.summary && !sameSummary(expect.summary, summary))
		throw blockCorrupt("the block's summary does not match its checks");
}
