/**
 * The duration column as byte planes: each duration is a little-endian integer of `width` bytes (the
 * fewest that hold the block's longest), and the block keeps all first bytes together, then all second
 * bytes, and so on. Response times are noisy in their last few tenths, so the low plane is close to random
 * while the higher planes barely change: the low plane is compressed on its own, and the rest with the
 * other columns, so the noise does not spoil the code table they share (17 % smaller blocks, measured).
 */
import { MAX_DURATION_TENTHS } from './checks';
import { blockCorrupt } from './errors';

/** 2^36 tenths need 5 bytes. */
export const MAX_DURATION_WIDTH = 5;

export interface DurationPlanes {
	width: number;
	/** The first byte of each duration. */
	low: Uint8Array;
	/** Planes 2 … width, one after the other. */
	high: Uint8Array;
}

export function splitDurations(tenths: readonly number[]): DurationPlanes {
	let width = 1;
	const longest = tenths.reduce((a, b) => Math.max(a, b), 0);
	while (width < MAX_DURATION_WIDTH && longest >= 256 ** width) width++;
	const count = tenths.length;
	const planes = new Uint8Array(count * width);
	tenths.forEach((value, index) => {
		let rest = value;
		for (let plane = 0; plane < width; plane++) {
			planes[plane * count + index] = rest % 256;
			rest = Math.floor(rest / 256);
		}
	});
	return { width, low: planes.subarray(0, count), high: planes.subarray(count) };
}

export function joinDurations({ width, low, high }: DurationPlanes): number[] {
	const count = low.length;
	if (width < 1 || width > MAX_DURATION_WIDTH)
		throw blockCorrupt(`durations of ${width} bytes each`);
	if (high.length !== (width - 1) * count)
		throw blockCorrupt(
			`the durations' high bytes take ${high.length} bytes, not ${(width - 1) * count}`,
		);
	const tenths = Array.from(low);
	for (let plane = 1; plane < width; plane++) {
		const scale = 256 ** plane;
		const bytes = high.subarray((plane - 1) * count, plane * count);
		// One encoding per block: the widest plane holds a byte of the longest duration.
		if (plane === width - 1 && bytes.every((byte) => byte === 0))
			throw blockCorrupt('the durations are wider than the longest needs');
		bytes.forEach((byte, index) => (tenths[index]! += byte * scale));
	}
	if (tenths.some((value) => value > MAX_DURATION_TENTHS))
		throw blockCorrupt(`a duration is longer than ${MAX_DURATION_TENTHS} tenths of a ms`);
	return tenths;
}
