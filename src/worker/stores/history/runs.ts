/**
 * Run-length columns (outcome, HTTP status, mode, message): a monitor's checks repeat the same value for
 * hours, so a column is a list of (value, run length) varint pairs whose lengths add up to the check count.
 */
import { ByteWriter, type ByteReader } from './bytes';
import { blockCorrupt } from './errors';

export function writeRuns(values: ArrayLike<number>): Uint8Array {
	const writer = new ByteWriter();
	let start = 0;
	for (let index = 1; index <= values.length; index++) {
		if (index < values.length && values[index] === values[start]) continue;
		writer.uint(values[start]!);
		writer.uint(index - start);
		start = index;
	}
	return writer.finish();
}

/** Reads a whole section of runs: exactly `count` values, each at most `maxValue`. */
export function readRuns(
	reader: ByteReader,
	count: number,
	maxValue: number,
	what: string,
): Uint32Array {
	const values = new Uint32Array(count);
	let filled = 0;
	let previous = -1;
	while (reader.remaining > 0) {
		const value = reader.uint(maxValue);
		const length = reader.uint(count - filled);
		if (length === 0) throw blockCorrupt(`${what}: a run of length 0`);
		// One encoding per column: a writer never splits a run.
		if (value === previous) throw blockCorrupt(`${what}: two runs of the same value in a row`);
		previous = value;
		values.fill(value, filled, filled + length);
		filled += length;
	}
	if (filled !== count) throw blockCorrupt(`${what}: runs cover ${filled} checks of ${count}`);
	return values;
}
