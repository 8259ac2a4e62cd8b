/**
 * The cold-open snapshot as it is stored: a head record that describes it, and its bytes cut into parts
 * of at most SNAPSHOT_PART_SIZE, each a Blob, so no value grows with the database past that bound.
 *
 * Why Blobs, and why 64 MiB rather than 64 KiB like the chunks (measured, see the persistence README):
 * parts below 64 KiB are stored inline in the origin's LevelDB, which the database's saves share, and
 * made cold opens three times slower and halved the concurrent write rate; Blob parts keep the bytes
 * in files beside the database, but Chromium reads several blob files two to four times slower than
 * one (50 MB: ~100–130 ms as one Blob, 235–570 ms as 1–16 MiB parts). The bound leaves today's
 * databases (tens of megabytes) in one part, at no cost, and caps every value: a file at the import
 * limit (200 MiB) is four parts.
 *
 * Every write replaces the head and all parts in one transaction, so a reader sees one snapshot or
 * none; joining still checks the shape (every part there, of this write, in order, each of its exact
 * size) so that a torn store (a part's file lost, parts of another write) is ignored rather than
 * trusted, and the chunks are read instead. The contents are checked against the manifest's hashes when
 * the snapshot is used (`assembleWithSnapshot`), as always. Pure, so it is tested in Node.
 */
import type { Snapshot } from './chunks';

export const SNAPSHOT_PART_SIZE = 64 * 1024 * 1024;
/** Heads of this format describe parts; earlier builds stored the snapshot as one value (`image`). */
export const SNAPSHOT_FORMAT = 2;

export interface SnapshotHead extends Omit<Snapshot, 'bytes'> {
	format: typeof SNAPSHOT_FORMAT;
	/** A random id shared by this write's head and parts: parts of another write do not join. */
	id: string;
	partSize: number;
	parts: number;
}

export interface SnapshotPart {
	id: string;
	index: number;
	blob: Blob;
}

/**
 * The snapshot as head and parts. `bytes` may be a live view that changes right after: the Blob copies
 * exactly the file's bytes now, and no more (MEMFS keeps up to 12.5% spare capacity behind the view);
 * the parts are slices of it, which copy nothing more.
 */
export function splitSnapshot(
	snapshot: Snapshot,
	id: string,
	partSize = SNAPSHOT_PART_SIZE,
): { head: SnapshotHead; parts: SnapshotPart[] } {
	const { lineage, generation, chunkSize, byteLength, bytes } = snapshot;
	const whole = new Blob([bytes.subarray(0, byteLength) as Uint8Array<ArrayBuffer>]);
	const parts: SnapshotPart[] = [];
	for (let offset = 0, index = 0; offset < byteLength; offset += partSize, index++) {
		parts.push({ id, index, blob: whole.slice(offset, Math.min(byteLength, offset + partSize)) });
	}
	const head: SnapshotHead = {
		format: SNAPSHOT_FORMAT,
		id,
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
		typeof h.id === 'string' &&
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
 * The parts joined into one Blob (a list of the parts' files, nothing copied) with the head's
 * description; null when `head` is not a head or a part is missing, extra, of another write, out of
 * order or of the wrong size: a torn snapshot, never used.
 */
export function joinParts(
	head: unknown,
	parts: readonly unknown[],
): { head: SnapshotHead; blobs: Blob[] } | null {
	if (!isSnapshotHead(head) || parts.length !== head.parts) return null;
	const blobs: Blob[] = [];
	for (const [index, part] of parts.entries()) {
		const expected = Math.min(head.partSize, head.byteLength - index * head.partSize);
		if (typeof part !== 'object' || part === null) return null;
		const p = part as Partial<SnapshotPart>;
		if (p.id !== head.id || p.index !== index) return null;
		if (!(p.blob instanceof Blob) || p.blob.size !== expected) return null;
		blobs.push(p.blob);
	}
	return { head, blobs };
}

/**
 * The snapshot `joinParts` gave, read: the parts joined into one Blob (a list of their files, nothing
 * copied) and read with one `arrayBuffer()`, as the single Blob was.
 */
export async function readJoined(joined: { head: SnapshotHead; blobs: Blob[] }): Promise<Snapshot> {
	const { lineage, generation, chunkSize, byteLength } = joined.head;
	const bytes = new Uint8Array(await new Blob(joined.blobs).arrayBuffer());
	return { lineage, generation, chunkSize, byteLength, bytes };
}
