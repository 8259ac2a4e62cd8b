/**
 * The stored layout of a database image: fixed-size chunks plus a manifest. Pure functions only, so
 * the diff and manifest logic is unit-tested in Node and shared by every storage backend.
 *
 * Chunks stay below 64 KiB because Chromium moves any IndexedDB value of 64 KiB or more out of the
 * database into a separate blob file: slower, and a known source of "Failed to read large IndexedDB value".
 */

export const MANIFEST_FORMAT = 1;
/** 32 KiB: eight 4 KiB pages. The benchmark (tests/bench) compares other sizes. */
export const DEFAULT_CHUNK_SIZE = 32 * 1024;
export const MAX_CHUNK_SIZE = 63 * 1024;

export interface Manifest {
	format: typeof MANIFEST_FORMAT;
	/** Increases by one with every committed save; the fence against stale writers compares it. */
	generation: number;
	byteLength: number;
	chunkSize: number;
	chunkCount: number;
	/** One 32-bit hash per chunk, in chunk order. */
	hashes: number[];
	pageSize: number;
	schemaVersion: number;
	savedAt: number;
	/** Which worker wrote this generation (diagnostics only). */
	writerId: string;
}

export function chunkCount(byteLength: number, chunkSize: number): number {
	return Math.ceil(byteLength / chunkSize);
}

export function chunkRange(index: number, byteLength: number, chunkSize: number): [number, number] {
	const start = index * chunkSize;
	return [start, Math.min(start + chunkSize, byteLength)];
}

/**
 * A fast, non-cryptographic 32-bit hash (FNV-1a over 32-bit words, with the tail bytes mixed in).
 * It only has to notice that a chunk changed or was damaged, never resist an attacker.
 */
export function hashChunk(bytes: Uint8Array): number {
	let h = 0x811c9dc5 ^ bytes.length;
	const words = bytes.length >>> 2;
	if (words > 0 && bytes.byteOffset % 4 === 0) {
		const view = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
		for (let i = 0; i < words; i++) {
			h = Math.imul(h ^ view[i]!, 0x01000193);
		}
	} else {
		for (let i = 0; i < words; i++) {
			const o = i * 4;
			const w = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
			h = Math.imul(h ^ w, 0x01000193);
		}
	}
	for (let i = words * 4; i < bytes.length; i++) {
		h = Math.imul(h ^ bytes[i]!, 0x01000193);
	}
	// A final avalanche so chunks that differ in one word differ in many bits.
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	return h >>> 0;
}

export interface ChunkWrite {
	index: number;
	bytes: Uint8Array;
	hash: number;
}

export interface SavePlan {
	writes: ChunkWrite[];
	/** Chunk indices at and above this number are deleted (the file shrank). */
	deleteFrom: number;
	manifest: Manifest;
}

/**
 * Decides what to write to move storage from `previous` to `image`.
 * `candidates` lists the chunks that may have changed; null means "unknown", so every chunk is hashed
 * and compared. Every written chunk is a fresh copy of exactly its bytes: a view would make IndexedDB
 * clone the whole underlying buffer.
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
	},
): SavePlan {
	const chunkSize = previous?.chunkSize ?? meta.chunkSize;
	const count = chunkCount(image.length, chunkSize);
	const hashes = previous ? previous.hashes.slice(0, count) : [];
	const writes: ChunkWrite[] = [];

	const consider = (index: number) => {
		if (index < 0 || index >= count) return;
		const [start, end] = chunkRange(index, image.length, chunkSize);
		const view = image.subarray(start, end);
		const hash = hashChunk(view);
		if (previous && isStored(previous, index, hash, view.length)) return;
		hashes[index] = hash;
		writes.push({ index, bytes: view.slice(), hash });
	};

	const seen = new Set<number>();
	const visit = (index: number) => {
		if (seen.has(index)) return;
		seen.add(index);
		consider(index);
	};
	if (candidates === null) {
		for (let i = 0; i < count; i++) visit(i);
	} else {
		for (const i of candidates) visit(i);
		// Whatever the tracker says: chunks the file grew into are new, and when the length changed the
		// old and the new last chunk have a different size.
		for (let i = previous?.chunkCount ?? 0; i < count; i++) visit(i);
		if (previous && previous.byteLength !== image.length) {
			visit(previous.chunkCount - 1);
			visit(count - 1);
		}
	}
	writes.sort((a, b) => a.index - b.index);

	return {
		writes,
		deleteFrom: count,
		manifest: {
			format: MANIFEST_FORMAT,
			generation: (previous?.generation ?? 0) + 1,
			byteLength: image.length,
			chunkSize,
			chunkCount: count,
			hashes,
			pageSize: meta.pageSize,
			schemaVersion: meta.schemaVersion,
			savedAt: meta.now,
			writerId: meta.writerId,
		},
	};
}

function isStored(previous: Manifest, index: number, hash: number, length: number): boolean {
	if (index >= previous.chunkCount || previous.hashes[index] !== hash) return false;
	const [start, end] = chunkRange(index, previous.byteLength, previous.chunkSize);
	return end - start === length;
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
		if (hashChunk(chunk) !== manifest.hashes[index]) {
			throw new Error(`chunk ${index} does not match its hash`);
		}
		image.set(chunk, start);
	});
	return image;
}

export function isManifest(value: unknown): value is Manifest {
	if (typeof value !== 'object' || value === null) return false;
	const m = value as Partial<Manifest>;
	return (
		m.format === MANIFEST_FORMAT &&
		Number.isInteger(m.generation) &&
		Number.isInteger(m.byteLength) &&
		Number.isInteger(m.chunkSize) &&
		Number.isInteger(m.chunkCount) &&
		Array.isArray(m.hashes) &&
		m.hashes.length === m.chunkCount
	);
}
