import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/worker/core/persistence/chunks';
import {
	joinParts,
	readJoined,
	splitSnapshot,
	type SnapshotPart,
} from '../../src/worker/core/persistence/snapshot-parts';

const PART = 4096;

function snapshot(byteLength: number): Snapshot {
	// A live view with spare capacity behind it, as MEMFS hands out: only byteLength bytes are stored.
	const bytes = new Uint8Array(byteLength + 1000);
	for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
	return { lineage: 'L', generation: 7, chunkSize: 16384, byteLength, bytes };
}

describe('snapshot parts', () => {
	it('cuts a snapshot into bounded parts and joins them back to the same bytes', async () => {
		for (const size of [0, 1, PART - 1, PART, PART + 1, 5 * PART + 123]) {
			const original = snapshot(size);
			const { head, parts } = splitSnapshot(original, 'w1', PART);
			expect(head.parts).toBe(Math.ceil(size / PART));
			for (const part of parts) expect(part.blob.size).toBeLessThanOrEqual(PART);
			const joined = joinParts(head, parts);
			expect(joined).not.toBeNull();
			const read = await readJoined(joined!);
			expect(read.byteLength).toBe(size);
			expect(read.bytes).toEqual(original.bytes.subarray(0, size));
			expect(read).toMatchObject({ lineage: 'L', generation: 7, chunkSize: 16384 });
		}
	});

	it('copies the bytes when split: a later change to the live file is not in the snapshot', async () => {
		const original = snapshot(3 * PART);
		const { head, parts } = splitSnapshot(original, 'w1', PART);
		const before = original.bytes.slice(0, 3 * PART);
		original.bytes.fill(0);
		expect((await readJoined(joinParts(head, parts)!)).bytes).toEqual(before);
	});

	it('a torn snapshot never joins: a part missing, extra, of another write, out of order or cut short', () => {
		const { head, parts } = splitSnapshot(snapshot(4 * PART + 10), 'w1', PART);
		const other = splitSnapshot(snapshot(4 * PART + 10), 'w2', PART).parts;
		const torn: [string, unknown, unknown[]][] = [
			['the last part missing', head, parts.slice(0, -1)],
			['a middle part missing', head, [...parts.slice(0, 2), ...parts.slice(3)]],
			['no parts at all', head, []],
			['an extra part', head, [...parts, parts[0]]],
			// A later write's head and first parts over the earlier write's others (a write cut short).
			['parts of two writes', head, [...parts.slice(0, 2), ...other.slice(2)]],
			['another write’s parts', head, other],
			['two parts swapped', head, [parts[1], parts[0], ...parts.slice(2)]],
			[
				'a part cut short',
				head,
				parts.map((p, i): SnapshotPart => (i === 1 ? { ...p, blob: p.blob.slice(1) } : p)),
			],
			['a part without its bytes', head, parts.map((p, i) => (i === 2 ? { ...p, blob: null } : p))],
			['a head of another size', { ...head, byteLength: head.byteLength + PART }, parts],
			['not a head', { ...head, format: 1 }, parts],
			['a head without an id', { ...head, id: undefined }, parts],
		];
		for (const [what, h, p] of torn) expect(joinParts(h, p), what).toBeNull();
		expect(joinParts(head, parts)).not.toBeNull();
	});
});
