/**
 * The cold-open snapshot as it is stored: a head record that describes it, and its bytes cut into parts
 * of at most SNAPSHOT_PART_SIZE. Like the database's chunks (chunks.ts), every part stays below 64 KiB,
 * because Chromium moves an IndexedDB value of 64 KiB or more out of the database into a file of its
 * own: slower to write, and a known source of "Failed to read large IndexedDB value".
 *
 * Joining checks the shape (every part there, each of its exact length, adding up to the file); the
 * contents are checked against the manifest's chunk hashes when the snapshot is used (chunks.ts,
 * `assembleWithSnapshot`), as a snapshot of any format always was. Pure, so the memory store and the
 * IndexedDB store (idb-snapshot.ts) share it.
 */
import type { Snapshot } from './chunks';

/** Fifteen 4 KiB pages: below 64 KiB with room to spare for the serialised value's own header. */
export const SNAPSHOT_PART_SIZE = 60 * 1024;
/** Heads of this format describe parts; earlier builds stored the snapshot as one value. */
export const SNAPSHOT_FORMAT = 2;

export interface SnapshotHead {
	format: typeof SNAPSHOT_FORMAT;
	lineage: string;
	generation: number;
	chunkSize: number;
	byteLength: number;
	partSize: number;
	parts: number;
}

export interface SnapshotParts {
	head: SnapshotHead;
	parts: Uint8Array[];
}

/**
 * The snapshot cut into parts. Each part is a copy: a view would be stored with its whole buffer
 * (structured clone copies the buffer behind a view), and `bytes` may be a live view of the file.
 */
export function splitSnapshot(snapshot: Snapshot, partSize = SNAPSHOT_PART_SIZE): SnapshotParts {
	const { lineage, generation, chunkSize, byteLength, bytes } = snapshot;
	const parts: Uint8Array[] = [];
	for (let offset = 0; offset < byteLength; offset += partSize) {
		parts.push(bytes.slice(offset, Math.min(byteLength, offset + partSize)));
	}
	const head: SnapshotHead = {
		format: SNAPSHOT_FORMAT,
		lineage,
		generation,
		chunkSize,
		byteLength,
		partSize,
		parts: parts.length,
	};
	return { head, parts };
}

export function isSnapshotHead(value: unknown): value is SnapshotHead {
	if (typeof value !== 'object' || value === null) return false;
	const h = value as Partial<SnapshotHead>;
	return (
		h.format === SNAPSHOT_FORMAT &&
		typeof h.lineage === 'string' &&
		Number.isInteger(h.generation) &&
		Number.isInteger(h.chunkSize) &&
		Number.isSafeInteger(h.byteLength) &&
		h.byteLength! >= 0 &&
		Number.isInteger(h.partSize) &&
		h.partSize! > 0 &&
		h.parts === Math.ceil(h.byteLength! / h.partSize!)
	);
}

/**
 * The snapshot the parts make up, in one new buffer; null when `head` is not a head or a part is
 * missing, extra or of the wrong length (a store left half-written by hand: writes replace every part
 * in one transaction).
 */
export function joinSnapshot(head: unknown, parts: readonly unknown[]): Snapshot | null {
	if (!isSnapshotHead(head) || parts.length !== head.parts) return null;
	const { lineage, generation, chunkSize, byteLength, partSize } = head;
	const bytes = new Uint8Array(byteLength);
	for (let i = 0; i < parts.length; i++) {
		const part = parts[i];
		const expected = Math.min(partSize, byteLength - i * partSize);
		if (!(part instanceof Uint8Array) || part.length !== expected) return null;
		bytes.set(part, i * partSize);
	}
	return { lineage, generation, chunkSize, byteLength, bytes };
}
