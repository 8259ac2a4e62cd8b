/**
 * A span's checks summed per segment (an hour of a day block): the rollups of a block, packed into one small
 * uncompressed byte string that outlives the block's checks. Layout in README.md, "Segments".
 */
import { ByteReader, ByteWriter } from './bytes';
import { MAX_CHECKS_PER_BLOCK, MAX_DURATION_TENTHS, toTenths, type HistoryCheck } from './checks';
import { blockCorrupt, checkUnstorable } from './errors';

export const SEGMENTS_FORMAT = 1;
const DAY = 86_400_000;
/** A day of minutes; a segment is at least 1 ms long. */
const MAX_SEGMENTS = 1440;

export interface SegmentSummary {
	checks: number;
	up: number;
	degraded: number;
	down: number;
	/** Over the checks that were up or degraded, in tenths of a ms; null when there were none. */
	minTenths: number | null;
	maxTenths: number | null;
	sumTenths: number;
}

const empty = (): SegmentSummary => ({
	checks: 0,
	up: 0,
	degraded: 0,
	down: 0,
	minTenths: null,
	maxTenths: null,
	sumTenths: 0,
});

/** Sums the checks of [start, start + count × segmentMs) by start time into `count` segments. */
export function summarizeSegments(
	checks: readonly HistoryCheck[],
	start: number,
	segmentMs: number,
	count: number,
): SegmentSummary[] {
	const segments = Array.from({ length: count }, empty);
	for (const check of checks) {
		const segment = segments[Math.floor((check.startedAt - start) / segmentMs)];
		if (!segment || check.startedAt < start)
			throw checkUnstorable(`a check started at ${check.startedAt}, outside the span summed`);
		segment.checks++;
		segment[check.outcome]++;
		if (check.outcome === 'down') continue;
		const tenths = toTenths(check.durationMs);
		segment.minTenths = Math.min(segment.minTenths ?? tenths, tenths);
		segment.maxTenths = Math.max(segment.maxTenths ?? tenths, tenths);
		segment.sumTenths += tenths;
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
	const segment = empty();
	segment.checks = reader.uint(MAX_CHECKS_PER_BLOCK);
	if (segment.checks === 0) return segment;
	segment.degraded = reader.uint(segment.checks);
	segment.down = reader.uint(segment.checks - segment.degraded);
	segment.up = segment.checks - segment.degraded - segment.down;
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
