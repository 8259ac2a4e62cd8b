/**
 * What a save writes: the chunks that changed, or the blocks of the log (chunks.ts). Pure, so every
 * decision is unit-tested in Node; both stores write what `planSave` returns.
 *
 * A chunk SQLite wrote is always written, whatever its hash says; only without a change list (a whole
 * file swapped in, or a sql.js without the hook) do hashes decide, and those are 64 bits (chunk-hash.ts).
 */
import { chunkHash } from './chunk-hash';
import {
	BLOCK_SIZE,
	chunkCount,
	chunkRange,
	LEGACY_FORMAT,
	MANIFEST_FORMAT,
	type LogBlock,
	type Manifest,
} from './chunks';

/**
 * At most this many blocks (48 KiB) live in the log: with the rest of the root, well under the 64 KiB
 * at which Chromium moves a value out into a blob file. In Chromium, IndexedDB's cost is per record
 * more than per byte, up to a point: a transaction that writes a root holding one to four blocks, plus
 * the lease, commits in about half the time of one that writes three 16 KiB chunk records, the root, a
 * segment and the lease; eight blocks cost ~0.2 ms more, twelve ~0.4 ms. So the log is kept short by
 * checkpoints when the writer is idle (Persister), and this limit is for writers that never are: when
 * the log is full, the blocks a save did not write leave it, and their chunks are written whole.
 */
export const LOG_MAX_BLOCKS = 12;
/** From this many logged blocks on, an idle writer checkpoints (writes their chunks, empties the log). */
export const LOG_CHECKPOINT_BLOCKS = 4;

export interface ChunkWrite {
	index: number;
	bytes: Uint8Array;
	hash: bigint;
}

export interface SavePlan {
	/** Chunk records to write, whole. */
	writes: ChunkWrite[];
	/**
	 * The whole block log after this save, one entry per `manifest.logged` block. A save may log blocks
	 * and write chunk records at once: the records are those of blocks that left the log.
	 */
	log: LogBlock[];
	/** The chunks whose bytes this generation changed (`manifest.written[i] === generation`). */
	changed: number[];
	/**
	 * Every chunk was hashed anew, with the 64-bit hash, because the previous manifest was an earlier
	 * build's (`LEGACY_FORMAT`): every manifest record is rewritten.
	 */
	rehashed: boolean;
	/** Chunk indices from `deleteFrom` up to `deleteTo` (exclusive) are deleted (the file shrank). */
	deleteFrom: number;
	deleteTo: number;
	manifest: Manifest;
}

function newLineage(): string {
	return crypto.randomUUID();
}

/**
 * Decides what to write to move storage from `previous` to `image`.
 * `candidates` lists the chunks SQLite wrote (the tracker's word), which are all written; null means
 * "unknown", so every chunk is hashed and written unless its hash and size are the stored ones. Every
 * written chunk is a fresh copy of exactly its bytes: a view would make IndexedDB clone the whole
 * underlying buffer.
 */
export function planSave(
	image: Uint8Array,
	previous: Manifest | null,
	candidates: Iterable<number> | null,
	meta: {
		chunkSize: number;
		pageSize: number;
		schemaVersion: number;
		writerId: string;
		now: number;
		/**
		 * The blocks written since `previous` (a superset of what changed), when the caller knows them:
		 * then a save that changes few blocks and not the file's length logs them instead of writing
		 * chunk records. `candidates` must cover their chunks.
		 */
		blocks?: ReadonlySet<number> | null;
		/**
		 * A checkpoint: the blocks logged before this save leave the log, and their chunks are written
		 * whole. Blocks this save wrote may still be logged.
		 */
		checkpoint?: boolean;
	},
): SavePlan {
	const chunkSize = previous?.chunkSize ?? meta.chunkSize;
	const count = chunkCount(image.length, chunkSize);
	const generation = (previous?.generation ?? 0) + 1;
	// An earlier build's 32-bit hashes can neither be kept nor trusted to tell a chunk unchanged.
	const rehashed = previous?.format === LEGACY_FORMAT;
	const comparable = previous !== null && !rehashed ? previous : null;
	const hashes = comparable ? comparable.hashes.slice(0, count) : new Array<bigint>(count);
	const written = previous ? previous.written.slice(0, count) : [];
	/** Chunks whose bytes this save writes, with their new hash. */
	const changed = new Map<number, bigint>();

	/** `listed`: SQLite wrote the chunk, so it is written whatever its hash says. */
	const consider = (index: number, listed: boolean) => {
		if (index < 0 || index >= count) return;
		const [start, end] = chunkRange(index, image.length, chunkSize);
		const view = image.subarray(start, end);
		const hash = chunkHash(view);
		if (!listed && comparable && isStored(comparable, index, hash, view.length)) return;
		hashes[index] = hash;
		written[index] = generation;
		changed.set(index, hash);
	};

	const seen = new Set<number>();
	const visit = (index: number, listed = false) => {
		if (seen.has(index)) return;
		seen.add(index);
		consider(index, listed);
	};
	if (candidates === null) {
		for (let i = 0; i < count; i++) visit(i);
	} else {
		for (const i of candidates) visit(i, true);
		// Whatever the tracker says: chunks the file grew into are new, and when the length changed the
		// old and the new last chunk have a different size.
		for (let i = previous?.chunkCount ?? 0; i < count; i++) visit(i);
		if (previous && previous.byteLength !== image.length) {
			visit(previous.chunkCount - 1);
			visit(count - 1);
		}
	}

	if (rehashed) {
		for (let i = 0; i < count; i++) {
			if (changed.has(i)) continue;
			const [start, end] = chunkRange(i, image.length, chunkSize);
			hashes[i] = chunkHash(image.subarray(start, end));
		}
	}

	const perChunk = chunkSize / BLOCK_SIZE;
	const previouslyLogged = previous?.logged ?? [];
	const canLog =
		comparable !== null &&
		meta.blocks != null &&
		comparable.byteLength === image.length &&
		chunkSize % BLOCK_SIZE === 0;
	/** This save's written blocks in the chunks it changed. */
	const current = new Set<number>();
	let covered = 0;
	if (canLog) {
		const reached = new Set<number>();
		for (const block of meta.blocks!) {
			const index = Math.floor(block / perChunk);
			if (changed.has(index) && block * BLOCK_SIZE < image.length) {
				current.add(block);
				reached.add(index);
			}
		}
		covered = reached.size;
	}
	// The log after this save: everything logged so far plus this save's blocks, if they fit; else only
	// this save's blocks, and the chunks of the blocks that leave the log are written whole. Every changed
	// chunk must have a written block to log: if the caller's blocks missed one, nothing is logged.
	let next = new Set<number>();
	if (canLog && covered === changed.size) {
		const merged = new Set([...previouslyLogged, ...current]);
		if (!meta.checkpoint && merged.size <= LOG_MAX_BLOCKS) next = merged;
		else if (current.size <= LOG_MAX_BLOCKS) next = current;
	}
	const indices = new Set(next.size === 0 ? changed.keys() : []);
	for (const block of previouslyLogged) {
		// A chunk record is out of date in its logged blocks even where the chunk's hash is current.
		const index = Math.floor(block / perChunk);
		if (!next.has(block) && index < count) indices.add(index);
	}
	const writes: ChunkWrite[] = [...indices]
		.sort((a, b) => a - b)
		.map((index) => {
			const [start, end] = chunkRange(index, image.length, chunkSize);
			return { index, bytes: image.slice(start, end), hash: changed.get(index) ?? hashes[index]! };
		});
	const blocks = [...next].sort((a, b) => a - b);

	return {
		writes,
		log: blocks.map((block) => ({
			block,
			bytes: image.slice(block * BLOCK_SIZE, Math.min((block + 1) * BLOCK_SIZE, image.length)),
		})),
		changed: [...changed.keys()].sort((a, b) => a - b),
		rehashed,
		deleteFrom: count,
		deleteTo: Math.max(count, previous?.chunkCount ?? 0),
		manifest: {
			format: MANIFEST_FORMAT,
			generation,
			byteLength: image.length,
			chunkSize,
			chunkCount: count,
			hashes,
			written,
			pageSize: meta.pageSize,
			schemaVersion: meta.schemaVersion,
			savedAt: meta.now,
			writerId: meta.writerId,
			lineage: previous?.lineage || newLineage(),
			logged: blocks,
		},
	};
}

/** The chunks a set of blocks falls in (a block may straddle two when the chunk size is not a multiple). */
export function chunksOfBlocks(blocks: Iterable<number>, chunkSize: number): Set<number> {
	const chunks = new Set<number>();
	for (const block of blocks) {
		const last = Math.floor(((block + 1) * BLOCK_SIZE - 1) / chunkSize);
		for (let c = Math.floor((block * BLOCK_SIZE) / chunkSize); c <= last; c++) chunks.add(c);
	}
	return chunks;
}

function isStored(previous: Manifest, index: number, hash: bigint, length: number): boolean {
	if (index >= previous.chunkCount || previous.hashes[index] !== hash) return false;
	const [start, end] = chunkRange(index, previous.byteLength, previous.chunkSize);
	return end - start === length;
}
