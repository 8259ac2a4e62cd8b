import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/worker/core/persistence/chunks';
import {
	joinSnapshot,
	SNAPSHOT_PART_SIZE,
	splitSnapshot,
} from '../../src/worker/core/persistence/snapshot-parts';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';

/** A snapshot of `length` bytes that differ from part to part, behind a view with spare room. */
function snapshotOf(length: number, seed = 1): Snapshot {
	const buffer = new Uint8Array(length + 1000);
	let x = seed;
	for (let i = 0; i < buffer.length; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		buffer[i] = x >>> 24;
	}
	return {
		lineage: 'lineage',
		generation: 7,
		chunkSize: 16384,
		byteLength: length,
		bytes: buffer.subarray(0, length + 1000),
	};
}

describe('snapshot parts', () => {
	it('every part stays below 64 KiB, is a copy of exactly the file, and joins back to the same bytes', () => {
		const lengths = [
			0,
			1,
			4096,
			SNAPSHOT_PART_SIZE - 1,
			SNAPSHOT_PART_SIZE,
			SNAPSHOT_PART_SIZE + 1,
		];
		for (let n = 0; n < 12; n++) lengths.push(Math.floor(Math.abs(Math.sin(n + 1)) * 1_500_000));
		for (const [n, length] of lengths.entries()) {
			const snapshot = snapshotOf(length, n + 1);
			const { head, parts } = splitSnapshot(snapshot);
			expect(head.parts).toBe(parts.length);
			expect(parts.length).toBe(Math.ceil(length / SNAPSHOT_PART_SIZE));
			expect(parts.filter((part) => part.length >= 64 * 1024)).toEqual([]);
			// Each its own buffer: a view would be stored with the whole file behind it.
			expect(parts.filter((part) => part.buffer.byteLength !== part.length)).toEqual([]);
			const joined = joinSnapshot(head, parts);
			expect(joined).not.toBeNull();
			expect(joined!.byteLength).toBe(length);
			expect(Buffer.compare(joined!.bytes, snapshot.bytes.subarray(0, length))).toBe(0);
			expect({ ...joined, bytes: null }).toEqual({ ...snapshot, bytes: null });
		}
	});

	it('a missing, extra, short or foreign part, or a head that does not add up, gives no snapshot', () => {
		const { head, parts } = splitSnapshot(snapshotOf(5 * SNAPSHOT_PART_SIZE + 123));
		expect(joinSnapshot(head, parts)).not.toBeNull();
		expect(joinSnapshot(head, parts.slice(0, -1))).toBeNull();
		expect(joinSnapshot(head, [...parts, new Uint8Array(10)])).toBeNull();
		expect(joinSnapshot(head, parts.with(2, parts[2]!.slice(1)))).toBeNull();
		expect(joinSnapshot(head, parts.with(5, new Uint8Array(124)))).toBeNull();
		expect(joinSnapshot(head, (parts as unknown[]).with(1, 'not bytes'))).toBeNull();
		expect(joinSnapshot({ ...head, parts: head.parts + 1 }, parts)).toBeNull();
		expect(joinSnapshot({ ...head, byteLength: head.byteLength + 1 }, parts)).toBeNull();
		expect(joinSnapshot({ ...head, format: 1 }, parts)).toBeNull();
		expect(joinSnapshot(undefined, parts)).toBeNull();
	});

	it('the memory store keeps its snapshot in parts too, and a damaged part is not used', async () => {
		const store = new MemoryImageStore();
		const snapshot = snapshotOf(3 * SNAPSHOT_PART_SIZE);
		expect(await store.writeSnapshot(() => snapshot)).toBe(true);
		expect(store.snapshotParts?.parts).toHaveLength(3);
		expect(
			Buffer.compare(store.snapshot!.bytes, snapshot.bytes.subarray(0, 3 * SNAPSHOT_PART_SIZE)),
		).toBe(0);
		store.snapshotParts!.parts.pop();
		expect(store.snapshot).toBeNull();
	});
});
