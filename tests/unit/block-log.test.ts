import { describe, expect, it } from 'vitest';
import {
	applyLog,
	assemble,
	BLOCK_SIZE,
	MANIFEST_FORMAT,
	readManifest,
} from '../../src/worker/core/persistence/chunks';
import {
	chunksOfBlocks,
	LOG_MAX_BLOCKS,
	planSave,
	type SavePlan,
} from '../../src/worker/core/persistence/plan';
import {
	joinManifest,
	joinStored,
	LOGGED_FORMAT,
	manifestRecords,
	segmentOf,
} from '../../src/worker/core/persistence/manifest-records';
import { legacyManifest } from '../contract/legacy';

const CHUNK = 4 * BLOCK_SIZE;
const META = { chunkSize: CHUNK, pageSize: 4096, schemaVersion: 1, writerId: 'w', now: 1 };

function bytes(length: number, seed = 1): Uint8Array {
	return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** `image` with one byte changed in each of `blocks`. */
function edit(image: Uint8Array, blocks: number[], value = 0xee): Uint8Array {
	const next = image.slice();
	for (const block of blocks) next[block * BLOCK_SIZE + 5] = value;
	return next;
}

/** A save of `next` on top of `plan`, told which blocks were written. */
function save(next: Uint8Array, plan: SavePlan, blocks: number[] | null): SavePlan {
	const set = blocks && new Set(blocks);
	return planSave(next, plan.manifest, set && chunksOfBlocks(set, CHUNK), { ...META, blocks: set });
}

/** What a store holds after `plans`: chunk records as last written, plus the last plan's log. */
function stored(plans: SavePlan[]): Uint8Array {
	const records = new Map<number, Uint8Array>();
	for (const plan of plans) {
		for (const write of plan.writes) records.set(write.index, write.bytes.slice());
		for (let i = plan.deleteFrom; i < plan.deleteTo; i++) records.delete(i);
	}
	const last = plans.at(-1)!;
	applyLog(last.manifest, last.log, records);
	return assemble(
		last.manifest,
		Array.from({ length: last.manifest.chunkCount }, (_, i) => records.get(i)!),
	);
}

describe('the block log', () => {
	const first = planSave(bytes(10 * CHUNK), null, null, META);

	it('logs the written blocks of a small edit instead of writing chunks', () => {
		const next = edit(bytes(10 * CHUNK), [1, 9, 30]);
		const plan = save(next, first, [1, 9, 30]);
		expect(plan.writes).toEqual([]);
		expect(plan.log.map((b) => b.block)).toEqual([1, 9, 30]);
		expect(plan.manifest.logged).toEqual([1, 9, 30]);
		expect(plan.log[1]!.bytes).toEqual(next.subarray(9 * BLOCK_SIZE, 10 * BLOCK_SIZE));
		expect(plan.changed).toEqual([0, 2, 7]);
		expect(plan.manifest.written.filter((g) => g === 2)).toHaveLength(3);
		expect(stored([first, plan])).toEqual(next);
	});

	it('keeps earlier logged blocks with their current bytes until the log is full, then writes their chunks', () => {
		const a = edit(bytes(10 * CHUNK), [3]);
		const one = save(a, first, [3]);
		const b = edit(a, [3, 12], 0x11);
		const two = save(b, one, [3, 12]);
		expect(two.log.map((x) => x.block)).toEqual([3, 12]);
		expect(two.log[0]!.bytes[5]).toBe(0x11);
		expect(stored([first, one, two])).toEqual(b);

		// A full log: the blocks this save did not write leave it, and their chunks (0 and 3) are written.
		const full = Array.from({ length: LOG_MAX_BLOCKS }, (_, i) => 16 + i);
		const c = edit(b, full, 0x22);
		const three = save(c, two, full);
		expect(three.log.map((x) => x.block)).toEqual(full);
		expect(three.writes.map((w) => w.index)).toEqual([0, 3]);
		expect(stored([first, one, two, three])).toEqual(c);

		// More blocks than the log holds: a checkpoint writes every chunk and empties the log.
		const many = Array.from({ length: LOG_MAX_BLOCKS + 1 }, (_, i) => 8 + i);
		const d = edit(c, many, 0x33);
		const four = save(d, three, many);
		expect(four.log).toEqual([]);
		expect(four.manifest.logged).toEqual([]);
		expect(four.writes.map((w) => w.index)).toEqual([...chunksOfBlocks([...many, ...full], CHUNK)]);
		expect(stored([first, one, two, three, four])).toEqual(d);
	});

	it('checkpoints on request: the earlier log leaves, what this save wrote may stay', () => {
		const a = edit(bytes(10 * CHUNK), [3, 12]);
		const one = save(a, first, [3, 12]);
		const checkpoint = (next: Uint8Array, plan: SavePlan, blocks: number[]) =>
			planSave(next, plan.manifest, chunksOfBlocks(blocks, CHUNK), {
				...META,
				blocks: new Set(blocks),
				checkpoint: true,
			});
		// Nothing written since: the logged chunks are written and the log is empty.
		const quiet = checkpoint(a, one, []);
		expect(quiet.writes.map((w) => w.index)).toEqual([0, 3]);
		expect(quiet.log).toEqual([]);
		expect(quiet.changed).toEqual([]);
		expect(quiet.manifest.written).toEqual(one.manifest.written);
		expect(stored([first, one, quiet])).toEqual(a);
		// A write arrived meanwhile: its block stays in the log.
		const b = edit(a, [20]);
		const busy = checkpoint(b, one, [20]);
		expect(busy.writes.map((w) => w.index)).toEqual([0, 3]);
		expect(busy.log.map((x) => x.block)).toEqual([20]);
		expect(stored([first, one, busy])).toEqual(b);
	});

	it('writes a logged chunk at the checkpoint even when this save did not change it', () => {
		const a = edit(bytes(10 * CHUNK), [3]);
		const one = save(a, first, [3]);
		// Compared rather than told (the export fallback): chunk 0's hash is the stored one, yet its
		// record is older than its logged block.
		const b = edit(a, [38]);
		const two = save(b, one, null);
		expect(two.writes.map((w) => w.index)).toEqual([0, 9]);
		expect(two.log).toEqual([]);
		expect(stored([first, one, two])).toEqual(b);
	});

	it('checkpoints when the length changes, or when the written blocks miss a changed chunk', () => {
		const a = edit(bytes(10 * CHUNK), [3]);
		const one = save(a, first, [3]);
		const grown = new Uint8Array(a.length + BLOCK_SIZE);
		grown.set(a);
		grown.fill(9, a.length);
		const two = save(grown, one, [3, 40]);
		expect(two.log).toEqual([]);
		expect(two.writes.map((w) => w.index)).toEqual([0, 10]);
		expect(stored([first, one, two])).toEqual(grown);

		// Chunk 2 changed, but the caller only reported a block of chunk 1.
		const b = edit(a, [5, 9]);
		const three = planSave(b, one.manifest, new Set([1, 2]), { ...META, blocks: new Set([5]) });
		expect(three.log).toEqual([]);
		expect(three.writes.map((w) => w.index)).toEqual([0, 1, 2]);
		expect(stored([first, one, three])).toEqual(b);
	});

	it('never logs with a chunk size that blocks do not divide', () => {
		const meta = { ...META, chunkSize: 63 * 1024 };
		const image = bytes(200_000);
		const base = planSave(image, null, null, meta);
		const next = edit(image, [2]);
		const plan = planSave(next, base.manifest, new Set([0]), { ...meta, blocks: new Set([2]) });
		expect(plan.log).toEqual([]);
		expect(plan.writes.map((w) => w.index)).toEqual([0]);
	});

	it('finds the chunks of blocks, including a block across two chunks', () => {
		expect([...chunksOfBlocks([0, 3, 4, 9], CHUNK)]).toEqual([0, 1, 2]);
		expect([...chunksOfBlocks([15], 63 * 1024)]).toEqual([0, 1]);
	});
});

describe('a root that carries the log', () => {
	it('is stored with a format older builds do not read, and joins back with its log', () => {
		const image = bytes(10 * CHUNK);
		const first = planSave(image, null, null, META);
		const plan = save(edit(image, [6]), first, [6]);
		const { root, segments } = manifestRecords(plan, { split: false });
		expect(segments).toEqual([]);
		// Builds before the 64-bit hash read formats 1 and 2 (a logged root) only.
		expect((root as { format: number }).format).toBe(MANIFEST_FORMAT);
		expect([1, LOGGED_FORMAT]).not.toContain(MANIFEST_FORMAT);
		const joined = joinStored(root, []);
		expect(joined?.manifest).toEqual(plan.manifest);
		expect(joined?.log).toEqual(plan.log);
		// Without a log, a root holds no log at all.
		const plain = manifestRecords(first, { split: false }).root;
		expect(plain).not.toHaveProperty('logged');
		expect(plain).not.toHaveProperty('log');
		expect(readManifest(plain)).toEqual(first.manifest);
	});

	it('reads the logged root of an earlier build (format 2, 32-bit hashes) with its log', () => {
		const image = bytes(10 * CHUNK);
		const first = planSave(image, null, null, META);
		const next = edit(image, [6]);
		const plan = save(next, first, [6]);
		const legacy = { ...plan, manifest: legacyManifest(plan.manifest, next) };
		const root = { ...manifestRecords(legacy, { split: false }).root, format: LOGGED_FORMAT };
		expect(Reflect.get(root, 'hashes')).toBeInstanceOf(Uint32Array);
		const joined = joinStored(root, []);
		expect(joined?.manifest).toEqual(legacy.manifest);
		expect(joined?.log).toEqual(plan.log);
	});

	it("beyond one segment, writes no segment and carries the logged chunks' entries", () => {
		const image = bytes(600 * CHUNK);
		const first = planSave(image, null, null, META);
		const old = manifestRecords(first, null).segments.map(([, segment]) => segment);
		const plan = save(edit(image, [5, 2100]), first, [5, 2100]);
		const records = manifestRecords(plan, { split: true });
		expect(records.segments).toEqual([]);
		// The stored segments are the old ones; the root's entries overrule them.
		expect(joinManifest(records.root, old)).toEqual(plan.manifest);
		expect(joinStored(records.root, old)?.log.map((b) => b.block)).toEqual([5, 2100]);
		// On top of a layout it does not know, it writes every segment, all current.
		const unknown = manifestRecords(plan, null);
		expect(unknown.segments.map(([i]) => i)).toEqual([0, 1]);
		expect(unknown.segments[1]![1]).toEqual(segmentOf(plan.manifest, 1));
	});

	it('is unreadable when its log does not fit its block list or the file', () => {
		const image = bytes(10 * CHUNK);
		const first = planSave(image, null, null, META);
		const plan = save(edit(image, [6, 7]), first, [6, 7]);
		const root = manifestRecords(plan, { split: false }).root as Record<string, unknown>;
		const log = root.log as Uint8Array[];
		expect(joinStored({ ...root, log: log.slice(1) }, [])).toBeNull();
		expect(joinStored({ ...root, log: [log[0], log[1]!.slice(1)] }, [])).toBeNull();
		expect(joinStored({ ...root, logged: Uint32Array.of(7, 6) }, [])).toBeNull();
		expect(joinStored({ ...root, logged: Uint32Array.of(6, 70) }, [])).toBeNull();
		expect(joinStored({ ...root, logged: [6, 7] }, [])).toBeNull();
	});

	it('stays far below the 64 KiB at which Chromium moves a value to a blob file', () => {
		const image = bytes(512 * CHUNK);
		const first = planSave(image, null, null, META);
		const blocks = Array.from({ length: LOG_MAX_BLOCKS }, (_, i) => i * 97);
		const plan = save(edit(image, blocks), first, blocks);
		expect(plan.log).toHaveLength(LOG_MAX_BLOCKS);
		const { root } = manifestRecords(plan, { split: false });
		const size = JSON.stringify(root, (_key, value: unknown) =>
			ArrayBuffer.isView(value) ? { n: (value as Uint8Array).byteLength } : value,
		).length;
		// Per chunk: an 8-byte hash and a 4-byte generation.
		const payload = LOG_MAX_BLOCKS * BLOCK_SIZE + 512 * 12;
		expect(payload + size).toBeLessThan(60 * 1024);
	});
});
