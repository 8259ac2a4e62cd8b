/**
 * How the manifest is stored in IndexedDB beyond 512 chunks (8 MB in 16 KiB chunks): a small root record
 * plus segments of 512 chunks' hashes and writing generations (6 KiB each: 8 bytes of hash and 4 of
 * generation per chunk), so a save rewrites the root and the segments its chunks fall in, not lists
 * that grow with the file (3,200 entries twice at 50 MB).
 * Up to 512 chunks the lists stay in the root, one record, as earlier builds stored every manifest; such
 * a root is read as it is. Pure functions, shared by the store and the crash test that reads storage
 * independently.
 */
import {
	BLOCK_SIZE,
	LEGACY_FORMAT,
	MANIFEST_FORMAT,
	readManifest,
	storedHashes,
	storedManifest,
	type LogBlock,
	type Manifest,
} from './chunks';
import { type SavePlan } from './plan';

export const SEGMENT_CHUNKS = 512;
/**
 * The `format` of a root that carries a block log (chunks.ts) in builds before the 64-bit hash, whose
 * other roots are format 1: builds from before the log did not read it, and so reported the store as
 * unreadable rather than load chunk records without their log. This build writes format 3 roots, with
 * or without a log (a root carries one when it has a `log`), which no earlier build reads.
 */
export const LOGGED_FORMAT = 2;

/** A stored hash list: 64-bit hashes, or an earlier build's 32-bit ones. */
type StoredHashList = BigUint64Array | Uint32Array;

/** What a root with a log adds: the log, and for a split root the current entries of its chunks. */
interface StoredLog {
	format: typeof LOGGED_FORMAT | typeof MANIFEST_FORMAT;
	logged: Uint32Array;
	log: Uint8Array[];
	/** Split roots: the hashes and writing generations of the logged blocks' chunks, newer than their segments'. */
	fresh?: { index: Uint32Array; hashes: StoredHashList; written: Uint32Array };
}

/** The root as stored: the manifest without its per-chunk lists, and how many segments hold them. */
export type ManifestRoot = Omit<Manifest, 'hashes' | 'written' | 'logged'> & {
	segmentChunks: number;
	segmentCount: number;
};

export interface ManifestSegment {
	hashes: StoredHashList;
	written: Uint32Array;
}

export function segmentCount(chunkCount: number): number {
	return Math.ceil(chunkCount / SEGMENT_CHUNKS);
}

/** The number of segments a stored root says it has, or null for a root that holds its lists itself. */
export function segmentsOf(root: unknown): number | null {
	if (typeof root !== 'object' || root === null || 'hashes' in root) return null;
	const { segmentChunks, segmentCount: count } = root as Partial<ManifestRoot>;
	return segmentChunks === SEGMENT_CHUNKS && Number.isInteger(count) && count! >= 0 ? count! : null;
}

export function rootOf(manifest: Manifest): ManifestRoot {
	const { hashes: _hashes, written: _written, logged: _logged, ...meta } = manifest;
	return {
		...meta,
		segmentChunks: SEGMENT_CHUNKS,
		segmentCount: segmentCount(manifest.chunkCount),
	};
}

export function segmentOf(manifest: Manifest, index: number): ManifestSegment {
	const from = index * SEGMENT_CHUNKS;
	const to = Math.min(from + SEGMENT_CHUNKS, manifest.chunkCount);
	return {
		hashes: storedHashes(manifest, manifest.hashes.slice(from, to)),
		written: Uint32Array.from(manifest.written.slice(from, to)),
	};
}

/** Whether a manifest is stored split: beyond one segment's worth of chunks. */
export function isSplit(manifest: Manifest): boolean {
	return manifest.chunkCount > SEGMENT_CHUNKS;
}

/** What a save stores of its manifest (see `manifestRecords`). */
export interface ManifestRecords {
	/** The root record: the whole manifest up to one segment's worth of chunks, else `ManifestRoot`. */
	root: object;
	segments: [index: number, segment: ManifestSegment][];
	/** Delete the segments from this index on (left by a larger file, or of a layout not known). */
	clearFrom: number | null;
}

/**
 * The records a save writes for its manifest. `known`: whether the manifest it replaces is stored
 * split, or null when that is not known. On top of a split one only the touched segments are rewritten;
 * on top of a whole or unknown one, every segment (a whole manifest has none to build on), as after a
 * save that hashed every chunk anew.
 */
export function manifestRecords(plan: SavePlan, known: { split: boolean } | null): ManifestRecords {
	const { manifest } = plan;
	const stored = plan.rehashed ? null : known;
	const shrank = plan.deleteTo > plan.deleteFrom;
	const count = isSplit(manifest) ? segmentCount(manifest.chunkCount) : 0;
	const indices =
		count === 0
			? []
			: stored?.split
				? segmentsTouched(plan)
				: Array.from({ length: count }, (_, i) => i);
	if (plan.log.length > 0) {
		// The root carries the entries of the logged blocks' chunks, so only the segments of the chunk
		// records this save writes (blocks leaving the log) are rewritten; on top of a layout not known,
		// every segment.
		return {
			root: {
				...(count === 0 ? storedManifest(manifest) : rootOf(manifest)),
				...logOf(plan, count > 0),
			},
			segments: stored?.split
				? segmentsTouched(plan).map((i): [number, ManifestSegment] => [i, segmentOf(manifest, i)])
				: Array.from({ length: count }, (_, i): [number, ManifestSegment] => [
						i,
						segmentOf(manifest, i),
					]),
			clearFrom: stored ? null : count,
		};
	}
	return {
		root: count === 0 ? storedManifest(manifest) : rootOf(manifest),
		segments: indices.map((index) => [index, segmentOf(manifest, index)]),
		clearFrom: shrank || !stored ? count : null,
	};
}

function logOf(plan: SavePlan, split: boolean): StoredLog {
	const { manifest, log } = plan;
	const stored: StoredLog = {
		format: MANIFEST_FORMAT,
		logged: Uint32Array.from(log, (entry) => entry.block),
		log: log.map((entry) => entry.bytes),
	};
	if (split) {
		const perChunk = manifest.chunkSize / BLOCK_SIZE;
		const index = Uint32Array.from(new Set(log.map((entry) => Math.floor(entry.block / perChunk))));
		stored.fresh = {
			index,
			hashes: storedHashes(
				manifest,
				Array.from(index, (i) => manifest.hashes[i]!),
			),
			written: index.map((i) => manifest.written[i]!),
		};
	}
	return stored;
}

/**
 * The segments a save must rewrite: those of the chunks it writes and, when the file shrank, the one
 * its last chunk is now in (that segment got shorter). Growth writes every new chunk, so it is covered.
 */
export function segmentsTouched(plan: SavePlan): number[] {
	const touched = new Set(plan.writes.map((w) => Math.floor(w.index / SEGMENT_CHUNKS)));
	const count = plan.manifest.chunkCount;
	if (plan.deleteTo > plan.deleteFrom && count > 0) {
		touched.add(Math.floor((count - 1) / SEGMENT_CHUNKS));
	}
	return [...touched].sort((a, b) => a - b);
}

/**
 * The manifest from a stored root and its segments (in order), or null if they do not fit together.
 * A root that holds its lists itself is read without segments.
 */
export function joinManifest(root: unknown, segments: readonly unknown[]): Manifest | null {
	return joinStored(root, segments)?.manifest ?? null;
}

/**
 * The manifest and its block log from a stored root and its segments, or null if they do not fit
 * together: a log that does not match its block list or the file is no log, and no manifest.
 */
export function joinStored(
	root: unknown,
	segments: readonly unknown[],
): { manifest: Manifest; log: LogBlock[] } | null {
	const logged = loggedRoot(root);
	if (logged === null) return null;
	const manifest = joinLists(logged.root, segments, logged.fresh);
	if (!manifest) return null;
	const log = logged.blocks.map((block, i) => ({ block, bytes: logged.bytes[i]! }));
	for (const { block, bytes } of log) {
		const start = block * BLOCK_SIZE;
		if (bytes.length !== Math.min(BLOCK_SIZE, manifest.byteLength - start)) return null;
	}
	return { manifest, log };
}

/** A root with its log taken apart (a root without one has an empty log), or null for a malformed log. */
function loggedRoot(root: unknown): {
	root: unknown;
	blocks: number[];
	bytes: Uint8Array[];
	fresh: StoredLog['fresh'] | null;
} | null {
	if (typeof root !== 'object' || root === null) return null;
	const format = (root as { format?: unknown }).format;
	if (format !== LOGGED_FORMAT && !(format === MANIFEST_FORMAT && 'log' in root)) {
		return { root, blocks: [], bytes: [], fresh: null };
	}
	const fits = hashListOf(format === LOGGED_FORMAT ? LEGACY_FORMAT : MANIFEST_FORMAT);
	const { log, fresh, ...rest } = root as StoredLog & Record<string, unknown>;
	const blocks = rest.logged;
	if (
		!(blocks instanceof Uint32Array) ||
		!Array.isArray(log) ||
		log.length !== blocks.length ||
		!log.every((bytes) => bytes instanceof Uint8Array)
	) {
		return null;
	}
	if (fresh !== undefined) {
		const { index, hashes, written } = fresh as Partial<NonNullable<StoredLog['fresh']>>;
		if (
			!(index instanceof Uint32Array) ||
			!fits(hashes, index.length) ||
			!(written instanceof Uint32Array) ||
			written.length !== index.length
		) {
			return null;
		}
	}
	return {
		// The format of the lists: an earlier build's logged root holds 32-bit hashes.
		root: {
			...rest,
			format: format === LOGGED_FORMAT ? LEGACY_FORMAT : MANIFEST_FORMAT,
			logged: Array.from(blocks),
		},
		blocks: Array.from(blocks),
		bytes: log,
		fresh: fresh ?? null,
	};
}

/** Checks that a stored hash list is of `format`'s kind and `length` long. */
function hashListOf(format: unknown) {
	const kind = format === LEGACY_FORMAT ? Uint32Array : BigUint64Array;
	return (list: unknown, length: number): list is StoredHashList =>
		list instanceof kind && list.length === length;
}

function joinLists(
	root: unknown,
	segments: readonly unknown[],
	fresh: StoredLog['fresh'] | null,
): Manifest | null {
	const count = segmentsOf(root);
	if (count === null) return fresh ? null : readManifest(root);
	const meta = root as ManifestRoot;
	if (segments.length !== count || count !== segmentCount(meta.chunkCount)) return null;
	const fits = hashListOf(meta.format);
	const hashes: (number | bigint)[] = [];
	const written: number[] = [];
	for (let i = 0; i < count; i++) {
		const segment = segments[i] as Partial<ManifestSegment> | undefined;
		const length = Math.min(SEGMENT_CHUNKS, meta.chunkCount - i * SEGMENT_CHUNKS);
		if (
			!fits(segment?.hashes, length) ||
			!(segment?.written instanceof Uint32Array) ||
			segment.written.length !== length
		) {
			return null;
		}
		hashes.push(...segment.hashes);
		written.push(...segment.written);
	}
	if (fresh) {
		if (!fits(fresh.hashes, fresh.index.length)) return null;
		for (let i = 0; i < fresh.index.length; i++) {
			const index = fresh.index[i]!;
			if (index >= meta.chunkCount) return null;
			hashes[index] = fresh.hashes[i]!;
			written[index] = fresh.written[i]!;
		}
	}
	const { segmentChunks: _chunks, segmentCount: _count, ...rest } = meta;
	return readManifest({ ...rest, hashes, written });
}

/** The generation a stored root (of either form) records, or null if it is not a manifest. */
export function generationOf(root: unknown): number | null {
	if (segmentsOf(root) !== null) {
		const generation = (root as ManifestRoot).generation;
		return Number.isInteger(generation) ? generation : null;
	}
	const plain = loggedRoot(root);
	return plain ? (readManifest(plain.root)?.generation ?? null) : null;
}
