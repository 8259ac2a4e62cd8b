import { describe, expect, it } from 'vitest';
import { storedManifest } from '../../src/worker/core/persistence/chunks';
import { planSave } from '../../src/worker/core/persistence/plan';
import { legacyManifest } from '../contract/legacy';
import {
	joinManifest,
	manifestRecords,
	rootOf,
	SEGMENT_CHUNKS,
	segmentOf,
	segmentsTouched,
} from '../../src/worker/core/persistence/manifest-records';

const META = { chunkSize: 16, pageSize: 4096, schemaVersion: 1, writerId: 'w', now: 1 };

function bytes(length: number, seed: number): Uint8Array {
	return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

/** 16-byte chunks: 20,000 bytes are 1,250 chunks, three segments of 512. */
const first = planSave(bytes(20_000, 1), null, null, META);

function split(manifest = first.manifest) {
	const root = rootOf(manifest);
	const segments = Array.from({ length: root.segmentCount }, (_, i) => segmentOf(manifest, i));
	return { root, segments };
}

describe('the manifest stored as a root and segments', () => {
	it('joins back into the same manifest', () => {
		const { root, segments } = split();
		expect(root.segmentCount).toBe(3);
		expect(root).not.toHaveProperty('hashes');
		expect(segments.map((s) => s.hashes.length)).toEqual([512, 512, 226]);
		expect(joinManifest(root, segments)).toEqual(first.manifest);
	});

	it('reads a root that still holds its lists, as earlier builds stored it', () => {
		expect(joinManifest(storedManifest(first.manifest), [])).toEqual(first.manifest);
	});

	it('reads an earlier build’s split manifest (32-bit hashes), and a save on top of it rewrites every segment', () => {
		const image = bytes(20_000, 1);
		const legacy = legacyManifest(first.manifest, image);
		const { root, segments } = split(legacy);
		expect(segments[0]!.hashes).toBeInstanceOf(Uint32Array);
		expect(joinManifest(root, segments)).toEqual(legacy);
		// Segments of the other kind do not join.
		expect(joinManifest(root, split().segments)).toBeNull();
		const edited = image.slice();
		edited[700 * 16]! ^= 0xff;
		const plan = planSave(edited, legacy, [700], META);
		expect(plan.writes.map((w) => w.index)).toEqual([700]);
		expect(manifestRecords(plan, { split: true }).segments.map(([i]) => i)).toEqual([0, 1, 2]);
	});

	it('refuses segments that are missing, short or of another shape', () => {
		const { root, segments } = split();
		expect(joinManifest(root, segments.slice(0, 2))).toBeNull();
		const short = { ...segments[1]!, hashes: segments[1]!.hashes.slice(1) };
		expect(joinManifest(root, [segments[0], short, segments[2]])).toBeNull();
		const plain = {
			hashes: Array.from(segments[0]!.hashes as BigUint64Array),
			written: segments[0]!.written,
		};
		expect(joinManifest(root, [plain, segments[1], segments[2]])).toBeNull();
		expect(joinManifest({ ...root, segmentCount: 4 }, [...segments, segments[2]])).toBeNull();
	});

	it('names only the segments of the chunks a save writes', () => {
		const edited = first.manifest.byteLength;
		const image = bytes(edited, 1);
		image[700 * 16] = 0;
		const plan = planSave(image, first.manifest, [700], META);
		expect(segmentsTouched(plan)).toEqual([Math.floor(700 / SEGMENT_CHUNKS)]);
	});

	it('after shrinking, names the segment that now ends the file', () => {
		const plan = planSave(bytes(20_000, 1).slice(0, 9_000), first.manifest, [], META);
		expect(plan.writes.map((w) => w.index)).toEqual([562]);
		expect(segmentsTouched(plan)).toEqual([1]);
		const { root, segments } = split(plan.manifest);
		expect(root.segmentCount).toBe(2);
		expect(joinManifest(root, segments)).toEqual(plan.manifest);
	});

	it('after growing, names every segment the new chunks fall in', () => {
		const grown = bytes(40_000, 1);
		const plan = planSave(grown, first.manifest, [], META);
		expect(segmentsTouched(plan)).toEqual([2, 3, 4]);
	});

	describe('what a save writes of its manifest', () => {
		const indices = (records: ReturnType<typeof manifestRecords>) =>
			records.segments.map(([i]) => i);

		it('on top of a split one: the touched segments, and no delete unless the file shrank', () => {
			const image = bytes(20_000, 1);
			image[700 * 16] = image[700 * 16]! ^ 0xff;
			const plan = planSave(image, first.manifest, [700], META);
			const records = manifestRecords(plan, { split: true });
			expect(indices(records)).toEqual([1]);
			expect(records.root).toEqual(rootOf(plan.manifest));
			expect(records.clearFrom).toBeNull();
		});

		it('on top of a layout not known: every segment, and what lies past them is deleted', () => {
			const records = manifestRecords(first, null);
			expect(indices(records)).toEqual([0, 1, 2]);
			expect(records.clearFrom).toBe(3);
			expect(
				joinManifest(
					records.root,
					records.segments.map(([, s]) => s),
				),
			).toEqual(first.manifest);
		});

		it('growing out of a whole manifest (exactly 512 chunks) writes every segment, not the touched ones', () => {
			const whole = planSave(bytes(512 * 16, 1), null, null, META);
			const grown = planSave(bytes(600 * 16, 1), whole.manifest, [], META);
			expect(grown.writes.every((w) => w.index >= 512)).toBe(true);
			expect(indices(manifestRecords(grown, { split: false }))).toEqual([0, 1]);
		});

		it('up to one segment the manifest stays whole in the root; shrinking into it clears the segments', () => {
			const shrunk = planSave(bytes(4_000, 1), first.manifest, [], META);
			const records = manifestRecords(shrunk, { split: true });
			expect(records.segments).toEqual([]);
			expect(records.root).toEqual(storedManifest(shrunk.manifest));
			expect(records.clearFrom).toBe(0);
			const edited = planSave(bytes(4_000, 2), shrunk.manifest, null, META);
			expect(manifestRecords(edited, { split: false }).clearFrom).toBeNull();
		});
	});
});
