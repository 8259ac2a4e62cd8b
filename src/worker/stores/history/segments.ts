/**
 * A span's checks summed per segment (an hour of a day block): the rollups of a block, packed into one small
 * uncompressed byte string that outlives the block's checks. Layout in README.md, "Segments".
 */
import { ByteReader, ByteWriter } from './bytes';
import { MAX_CHECKS_PER_BLOCK, MAX_DURATION_TENTHS, type HistoryCheck } from './checks';
import { blockCorrupt, checkUnstorable } from './errors';
import { countCheck, noChecks, type CheckCounts } from './summary';

export const SEGMENTS_FORMAT = 1;
const DAY = 86_400_000;
/** A day of minutes; a segment is at least 1 ms long. */
const MAX_SEGMENTS = 1440;

/** A segment's counts: those of a rollup row. */
export type SegmentSummary = CheckCounts;

/** Sums the checks of [start, start + count × segmentMs) by start time into `count` segments. */
export function summarizeSegments(
	checks: readonly HistoryCheck[],
	start: number,
	segmentMs: number,
	count: number,
): SegmentSummary[] {
	const segments = Array.from({ length: count }, noChecks);
	for (const check of checks) {
		const segment = segments[Math.floor((check.startedAt - start) / segmentMs)];
		if (!segment || check.startedAt < start)
			throw checkUnstorable(`a check started at ${check.startedAt}, outside the span summed`);
		countCheck(segment, check);
	}
	return segments;
}

export function writeSegments(segments: readonly SegmentSummary[], segmentMs: number): Uint8Array {
	const writer = new ByteWriter();
	writer.byte(SEGMENTS_FORMAT);
	writer.uint(segmentMs);
	writer.uint(segments.length);
	for (const segment of segments) {
		writer.uint(segment.checks);
		if (segment.checks === 0) continue;
		writer.uint(segment.degraded);
		writer.uint(segment.down);
		writer.uint(segment.maintenance);
		if (segment.minTenths === null || segment.maxTenths === null) continue;
		writer.uint(segment.minTenths);
		writer.uint(segment.maxTenths - segment.minTenths);
		writer.uint(segment.sumTenths);
	}
	return writer.finish();
}

export function readSegments(bytes: Uint8Array): { segmentMs: number; segments: SegmentSummary[] } {
	const reader = new ByteReader(bytes, 'segments');
	const format = reader.byte();
	if (format !== SEGMENTS_FORMAT) throw blockCorrupt(`unknown segments format ${format}`);
	const segmentMs = reader.uint(DAY);
	const count = reader.uint(MAX_SEGMENTS);
	if (segmentMs === 0 || count === 0) throw blockCorrupt('segments of no length');
	const segments: SegmentSummary[] = [];
	for (let index = 0; index < count; index++) segments.push(readSegment(reader, index));
	reader.end();
	return { segmentMs, segments };
}

function readSegment(reader: ByteReader, index: number): SegmentSummary {
	const segment = noChecks();
	segment.checks = reader.uint(MAX_CHECKS_PER_BLOCK);
	if (segment.checks === 0) return segment;
	segment.degraded = reader.uint(segment.checks);
	segment.down = reader.uint(segment.checks - segment.degraded);
	segment.maintenance = reader.uint(segment.checks - segment.degraded - segment.down);
	segment.up = segment.checks - segment.degraded - segment.down - segment.maintenance;
	const answered = segment.up + segment.degraded;
	if (answered === 0) return segment;
	const min = reader.uint(MAX_DURATION_TENTHS);
	const max = min + reader.uint(MAX_DURATION_TENTHS - min);
	const sum = reader.uint();
	// The slowest and the fastest are two of the checks (one when there is one), the rest lie between.
	const others = answered - 2;
	const low = answered === 1 ? min : min + max + others * min;
	const high = answered === 1 ? min : min + max + others * max;
	if ((answered === 1 && min !== max) || sum < low || sum > high)
		throw blockCorrupt(`segment ${index}: its sum of response times contradicts its min and max`);
	return { ...segment, minTenths: min, maxTenths: max, sumTenths: sum };
}
