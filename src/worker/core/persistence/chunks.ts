/**
 * The stored layout of a database image: fixed-size chunks plus a manifest, and the block log laid over
 * the chunks. Pure functions only, so the manifest logic is unit-tested in Node and shared by every
 * storage backend; what a save writes is decided in plan.ts.
 *
 * Chunks stay below 64 KiB because Chromium moves any IndexedDB value of 64 KiB or more out of the
 * database into a separate blob file: slower, and a known source of "Failed to read large IndexedDB value".
 */

import { chunkHash, legacyHash32 } from './chunk-hash';

/**
 * The manifest format this build writes: a 64-bit hash per chunk (chunk-hash.ts). Builds from before it
 * know formats 1 and 2 only and refuse this one as unreadable (`storage-corrupt`) instead of checking
 * chunks against hashes they do not understand.
 */
export const MANIFEST_FORMAT = 3;
/**
 * What earlier builds wrote: a 32-bit FNV hash per chunk (2 on a root with a block log, see
 * manifest-records.ts). Read and checked with that hash; the next save hashes every chunk anew.
 */
export const LEGACY_FORMAT = 1;
/**
 * 16 KiB: four 4 KiB pages. Index inserts scatter over the file, so a burst of writes touches one chunk
 * per changed page, and a chunk's size is what each of them costs: 1,000 writes at 50 MB stored ~2.2 MB
 * as 16 KiB chunks against ~3.7 MB as 32 KiB ones, and their save took 27-35 against 28-133 ms. Smaller
 * chunks make the manifest longer (four bytes twice per chunk, written with every save) and a cold open
 * without a snapshot slower; since the snapshot carries cold opens, the chunk size is chosen for saves.
 * A stored image keeps the size it was first saved with. The benchmark (tests/bench) compares sizes.
 */
export const DEFAULT_CHUNK_SIZE = 16 * 1024;
export const MAX_CHUNK_SIZE = 63 * 1024;

/**
 * The unit of the block log: what the sql.js hook tracks, and SQLite's default page size. A chunk
 * size that is a multiple of it (every size but the 63 KiB maximum) lets saves log blocks.
 */
export const BLOCK_SIZE = 4096;
export interface Manifest {
	format: typeof MANIFEST_FORMAT | typeof LEGACY_FORMAT;
	/** Increases by one with every committed save; the fence against stale writers compares it. */
	generation: number;
	byteLength: number;
	chunkSize: number;
	chunkCount: number;
	/** One hash per chunk, in chunk order: 64 bits, or an earlier build's 32 (see `format`). */
	hashes: bigint[];
	/**
	 * The generation that last wrote each chunk. A snapshot taken at generation G is current for every
	 * chunk with `written[i] <= G`; the others are read from their chunk records.
	 */
	written: number[];
	pageSize: number;
	schemaVersion: number;
	savedAt: number;
	/** Which worker wrote this generation (diagnostics only). */
	writerId: string;
	/**
	 * A random id given to a database at its first save and kept by every later generation, so a snapshot
	 * left over from a database that was since replaced (cleared storage, an import) is never mistaken
	 * for one of this database's generations. Empty in manifests from before snapshots existed.
	 */
	lineage: string;
	/**
	 * The blocks (BLOCK_SIZE each, ascending) whose current bytes are kept in the block log, stored with
	 * the manifest, rather than in their chunk records: a chunk's stored bytes are its record with its
	 * logged blocks laid over it. `hashes` and `written` describe the bytes with the log applied.
	 */
	logged: number[];
}

export function chunkCount(byteLength: number, chunkSize: number): number {
	return Math.ceil(byteLength / chunkSize);
}

export function chunkRange(index: number, byteLength: number, chunkSize: number): [number, number] {
	const start = index * chunkSize;
	return [start, Math.min(start + chunkSize, byteLength)];
}

/** The hash of a chunk's bytes, as `manifest`'s format computes it. */
export function hashOf(manifest: Pick<Manifest, 'format'>, bytes: Uint8Array): bigint {
	return manifest.format === LEGACY_FORMAT ? BigInt(legacyHash32(bytes)) : chunkHash(bytes);
}

/** One block of the log: its index in the file (in BLOCK_SIZE units) and its bytes. */
export interface LogBlock {
	block: number;
	bytes: Uint8Array;
}

/**
 * Lays the logged blocks over the chunk records read from storage (in place: records read from storage
 * are the caller's), so each holds its stored bytes. Records not in `records` are skipped: a chunk not
 * read is current in the snapshot, which already holds its logged blocks.
 */
export function applyLog(
	manifest: Manifest,
	log: readonly LogBlock[],
	records: ReadonlyMap<number, Uint8Array>,
): void {
	for (const { block, bytes } of log) {
		const at = block * BLOCK_SIZE;
		const index = Math.floor(at / manifest.chunkSize);
		const record = records.get(index);
		if (!record) continue;
		const offset = at - index * manifest.chunkSize;
		if (offset + bytes.length > record.length) {
			throw new Error(`logged block ${block} does not fit chunk ${index}`);
		}
		record.set(bytes, offset);
	}
}

/** Reassembles an image from its chunks, verifying count, sizes and hashes against the manifest. */
export function assemble(manifest: Manifest, chunks: readonly Uint8Array[]): Uint8Array {
	if (chunks.length !== manifest.chunkCount) {
		throw new Error(`expected ${manifest.chunkCount} chunks, found ${chunks.length}`);
	}
	const image = new Uint8Array(manifest.byteLength);
	chunks.forEach((chunk, index) => {
		const [start, end] = chunkRange(index, manifest.byteLength, manifest.chunkSize);
		if (chunk.length !== end - start) {
			throw new Error(`chunk ${index} has ${chunk.length} bytes, expected ${end - start}`);
		}
		if (hashOf(manifest, chunk) !== manifest.hashes[index]) {
			throw new Error(`chunk ${index} does not match its hash`);
		}
		image.set(chunk, start);
	});
	return image;
}

type Numbers = number[] | Uint32Array;

function isNumbers(value: unknown, length: number): value is Numbers {
	return (Array.isArray(value) || value instanceof Uint32Array) && value.length === length;
}

/** The stored hash list of a manifest of `format`, as bigints; null if it is not one. */
function hashList(format: unknown, value: unknown, length: number): bigint[] | null {
	if (format === LEGACY_FORMAT) {
		return isNumbers(value, length) && Array.from(value).every((h) => Number.isInteger(h))
			? Array.from(value, (h) => BigInt(h))
			: null;
	}
	if (format !== MANIFEST_FORMAT) return null;
	if (value instanceof BigUint64Array && value.length === length) return Array.from(value);
	return Array.isArray(value) &&
		value.length === length &&
		value.every((h) => typeof h === 'bigint')
		? value
		: null;
}

/**
 * Reads a stored manifest: lists may be stored as typed arrays (cheap to clone) or as arrays, an earlier
 * build's manifest keeps its 32-bit hashes (`LEGACY_FORMAT`), and manifests written before `written`
 * existed count every chunk as written by their own generation (true: no chunk can be newer than the
 * generation that stored the manifest). Null if not a manifest.
 */
export function readManifest(value: unknown): Manifest | null {
	if (typeof value !== 'object' || value === null) return null;
	const m = value as Partial<Record<keyof Manifest, unknown>>;
	const ok =
		Number.isInteger(m.generation) &&
		Number.isInteger(m.byteLength) &&
		Number.isInteger(m.chunkSize) &&
		Number.isInteger(m.chunkCount) &&
		(m.written === undefined || isNumbers(m.written, m.chunkCount as number)) &&
		(m.logged === undefined || isLogged(m.logged, m.byteLength as number));
	const hashes = ok ? hashList(m.format, m.hashes, m.chunkCount as number) : null;
	if (!hashes) return null;
	const manifest = value as Manifest;
	const written = m.written as Numbers | undefined;
	return {
		...manifest,
		lineage: typeof m.lineage === 'string' ? m.lineage : '',
		logged: m.logged ? Array.from(m.logged as Numbers) : [],
		hashes,
		written: written
			? Array.from(written)
			: new Array<number>(manifest.chunkCount).fill(manifest.generation),
	};
}

/** Ascending block indices within a file of `byteLength` bytes. */
function isLogged(value: unknown, byteLength: number): boolean {
	if (!Array.isArray(value) && !(value instanceof Uint32Array)) return false;
	let last = -1;
	for (const block of value as Numbers) {
		if (!Number.isInteger(block) || block <= last || block * BLOCK_SIZE >= byteLength) return false;
		last = block;
	}
	return true;
}

export function isManifest(value: unknown): value is Manifest {
	return readManifest(value) !== null;
}

/** A manifest's hashes as stored: 64-bit ones as one typed array, an earlier build's 32-bit ones as theirs. */
export function storedHashes(
	manifest: Pick<Manifest, 'format'>,
	hashes: readonly bigint[],
): BigUint64Array | Uint32Array {
	return manifest.format === LEGACY_FORMAT
		? Uint32Array.from(hashes, (h) => Number(h))
		: BigUint64Array.from(hashes);
}

/** The manifest as stored: the per-chunk lists as typed arrays, which clone as one memcpy. */
export function storedManifest(manifest: Manifest): Omit<
	Manifest,
	'hashes' | 'written' | 'logged'
> & {
	hashes: BigUint64Array | Uint32Array;
	written: Uint32Array;
} {
	// The block log is stored by the store alongside (manifest-records.ts); without one, a stored
	// manifest is exactly what builds from before the log wrote (in their format).
	const { logged: _logged, ...rest } = manifest;
	return {
		...rest,
		hashes: storedHashes(manifest, manifest.hashes),
		written: Uint32Array.from(manifest.written),
	};
}

/**
 * A copy of the whole file as it was at one stored generation, kept as one Blob (parts of at most
 * 64 MiB, snapshot-parts.ts) so a cold open reads it in one go (Chromium reads one large value many
 * times faster than hundreds of small records). It is only a cache: the chunks and the manifest stay
 * the truth, and a snapshot that is missing, unreadable, torn or inconsistent is ignored.
 */
export interface Snapshot {
	lineage: string;
	generation: number;
	chunkSize: number;
	byteLength: number;
	bytes: Uint8Array;
}

export function isSnapshot(value: unknown): value is Snapshot {
	if (typeof value !== 'object' || value === null) return false;
	const s = value as Partial<Snapshot>;
	return (
		typeof s.lineage === 'string' &&
		Number.isInteger(s.generation) &&
		Number.isInteger(s.chunkSize) &&
		Number.isInteger(s.byteLength) &&
		s.bytes instanceof Uint8Array &&
		s.bytes.length >= (s.byteLength ?? Infinity)
	);
}

/**
 * The chunks a cold open must read from their records, given a snapshot: those written after the
 * snapshot's generation, and any the snapshot does not cover. Null when the snapshot cannot be used.
 */
export function chunksNewerThan(manifest: Manifest, snapshot: Snapshot | null): number[] | null {
	// A snapshot is trusted chunk by chunk only against 64-bit hashes; an earlier build's manifest is
	// read from its chunk records until the next save rehashes it.
	if (
		!snapshot ||
		manifest.format !== MANIFEST_FORMAT ||
		!manifest.lineage ||
		snapshot.lineage !== manifest.lineage ||
		snapshot.generation > manifest.generation ||
		snapshot.chunkSize !== manifest.chunkSize
	) {
		return null;
	}
	// A chunk whose range or bytes changed after the snapshot was rewritten after it (planSave rewrites
	// the last chunks whenever the length changes), so `written` alone says what is current.
	const needed: number[] = [];
	for (let i = 0; i < manifest.chunkCount; i++) {
		const end = chunkRange(i, manifest.byteLength, manifest.chunkSize)[1];
		if (end > snapshot.byteLength || manifest.written[i]! > snapshot.generation) needed.push(i);
	}
	return needed;
}

/**
 * Reassembles the image from a snapshot plus the newer chunk records. The records are always checked
 * against the manifest's hashes; the chunks taken from the snapshot too, unless `checkSnapshot` is false:
 * then the caller must check them (`firstMismatch` over `snapshotChunks`) before it trusts the image with
 * anything but reads. The newer chunks are written into the snapshot's own buffer (freshly read from
 * storage, so ours to change): no second full-size copy.
 */
export function assembleWithSnapshot(
	manifest: Manifest,
	snapshot: Snapshot,
	newer: ReadonlyMap<number, Uint8Array>,
	{ checkSnapshot = true }: { checkSnapshot?: boolean } = {},
): Uint8Array {
	const target =
		snapshot.bytes.length >= manifest.byteLength
			? snapshot.bytes.subarray(0, manifest.byteLength)
			: new Uint8Array(manifest.byteLength);
	if (target.buffer !== snapshot.bytes.buffer) {
		target.set(snapshot.bytes.subarray(0, Math.min(snapshot.byteLength, manifest.byteLength)));
	}
	for (let i = 0; i < manifest.chunkCount; i++) {
		const [start, end] = chunkRange(i, manifest.byteLength, manifest.chunkSize);
		const record = newer.get(i);
		if (record) {
			if (record.length !== end - start) {
				throw new Error(`chunk ${i} has ${record.length} bytes, expected ${end - start}`);
			}
			target.set(record, start);
		} else if (!checkSnapshot) {
			continue;
		}
		if (hashOf(manifest, target.subarray(start, end)) !== manifest.hashes[i]) {
			throw new Error(`chunk ${i} does not match its hash (${record ? 'record' : 'snapshot'})`);
		}
	}
	return target;
}

/** The chunks an image assembled from a snapshot took from the snapshot (not from a newer record). */
export function snapshotChunks(manifest: Manifest, newer: ReadonlyMap<number, unknown>): number[] {
	const taken: number[] = [];
	for (let i = 0; i < manifest.chunkCount; i++) if (!newer.has(i)) taken.push(i);
	return taken;
}

/** The first of `indices` whose bytes in `image` do not match the manifest's hash, or -1. */
export function firstMismatch(
	manifest: Manifest,
	image: Uint8Array,
	indices: readonly number[],
): number {
	if (image.length !== manifest.byteLength) return indices[0] ?? -1;
	for (const i of indices) {
		const [start, end] = chunkRange(i, manifest.byteLength, manifest.chunkSize);
		if (
			i >= manifest.chunkCount ||
			hashOf(manifest, image.subarray(start, end)) !== manifest.hashes[i]
		) {
			return i;
		}
	}
	return -1;
}
