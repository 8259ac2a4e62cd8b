/**
 * Decoded blocks are untrusted (an imported file may hold anything): every flaw is refused with
 * `history-block-corrupt`, never a crash, a hang, a huge allocation, or checks that were not written.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCompression } from '../../src/cli/history-compression';
import { AppError } from '../../src/shared/errors';
import {
	decodeBlock,
	encodeBlock,
	type BlockExpectations,
} from '../../src/worker/stores/history/block';
import { ByteWriter } from '../../src/worker/stores/history/bytes';
import type { HistoryCheck } from '../../src/worker/stores/history/checks';
import { streamCompression, type Compression } from '../../src/worker/stores/history/compression';
import { crc32 } from '../../src/worker/stores/history/crc32';
import { bomb, checkSeries, refusal } from './history-helpers';

const compressions = [nodeCompression, streamCompression].map((c) => [c.name, c] as const);

const two: HistoryCheck[] = [
	{
		dueAt: 1000,
		startedAt: 1003,
		durationMs: 87.3,
		outcome: 'up',
		httpStatus: 200,
		message: 'HTTP 200 in 87 ms',
		mode: 'full',
	},
	{
		dueAt: 61_000,
		startedAt: 61_000,
		durationMs: 10_001,
		outcome: 'down',
		httpStatus: null,
		message: 'No answer within 10 s',
		mode: 'full',
	},
];

interface Frame {
	count: number;
	columnsLength: number;
	checksum: number;
	packedColumns: Uint8Array;
	packedLowBytes: Uint8Array;
}

function frameOf(f: Frame): Uint8Array {
	const writer = new ByteWriter();
	writer.byte(1);
	writer.uint(f.count);
	writer.uint(f.columnsLength);
	writer.u32(f.checksum);
	writer.section(f.packedColumns);
	writer.bytes(f.packedLowBytes);
	return writer.finish();
}

function framed(count: number, columns: Uint8Array, lowBytes: Uint8Array): Frame {
	return {
		count,
		columnsLength: columns.length,
		checksum: crc32(lowBytes, crc32(columns)),
		packedColumns: zlib.deflateRawSync(columns),
		packedLowBytes: zlib.deflateRawSync(lowBytes),
	};
}

/** A block frame around columns written by hand, with a right checksum: only the columns are wrong. */
const frame = (count: number, columns: Uint8Array, lowBytes: Uint8Array) =>
	frameOf(framed(count, columns, lowBytes));

const text = (value: string) => new TextEncoder().encode(value);

/** The two checks above, column by column (README.md, "Columns"); a test replaces one part. */
function columnsOf(parts: Partial<Record<string, (w: ByteWriter) => void>> = {}): Uint8Array {
	const section = (write: (w: ByteWriter) => void) => {
		const inner = new ByteWriter();
		write(inner);
		return inner.finish();
	};
	const w = new ByteWriter();
	const part = (name: string, fallback: (w: ByteWriter) => void) => (parts[name] ?? fallback)(w);
	part('step', (x) => x.uint(60_000));
	part('firstDue', (x) => x.uint(1000));
	part('entries', (x) =>
		x.section(
			section((e) => {
				e.uint(2);
				e.byte(1);
				e.section(text('HTTP 200 in '));
				e.section(text(' ms'));
				e.byte(0);
				e.section(text('No answer within 10 s'));
			}),
		),
	);
	part('dues', (x) => x.section(section((d) => d.int(0))));
	part('lateness', (x) => x.section(section((l) => (l.int(3), l.int(0)))));
	// 873 and 100,010 tenths: 3 bytes wide, low bytes 0x69 and 0xAA; planes 2 and 3 here.
	part('durations', (x) => (x.byte(3), x.section(new Uint8Array([0x03, 0x86, 0x00, 0x01]))));
	part('outcomes', (x) => x.section(section((r) => (r.uint(0), r.uint(1), r.uint(2), r.uint(1)))));
	part('statuses', (x) =>
		x.section(section((r) => (r.uint(201), r.uint(1), r.uint(0), r.uint(1)))),
	);
	part('modes', (x) => x.section(section((r) => (r.uint(0), r.uint(2)))));
	part('messages', (x) => x.section(section((r) => (r.uint(0), r.uint(1), r.uint(1), r.uint(1)))));
	return w.finish();
}

const LOW = new Uint8Array([0x69, 0xaa]);
const crafted = (parts: Parameters<typeof columnsOf>[0]) =>
	decodeBlock(frame(2, columnsOf(parts), LOW), nodeCompression);

describe('hand-written blocks', () => {
	it('the README layout, written by hand, decodes to the checks (so the cases below differ in one part)', async () => {
		expect(await decodeBlock(frame(2, columnsOf(), LOW), nodeCompression)).toEqual(two);
	});

	it.each([
		['a varint of 9 bytes', { step: (w: ByteWriter) => w.bytes(new Uint8Array(9).fill(0x81)) }],
		['an overlong varint', { step: (w: ByteWriter) => w.bytes(new Uint8Array([0x80, 0x00])) }],
		['a time past 2^47', { firstDue: (w: ByteWriter) => w.uint(2 ** 47 + 1) }],
		['a section longer than the columns', { dues: (w: ByteWriter) => w.uint(1000) }],
		[
			'a section with a byte left over',
			{ dues: (w: ByteWriter) => w.section(new Uint8Array([0, 0])) },
		],
		['a due time that goes below 0', { dues: (w: ByteWriter) => w.section(varints(-70_000)) }],
		['a start time below 0', { lateness: (w: ByteWriter) => w.section(varints(-1001, 0)) }],
		[
			'an entry of unknown kind',
			{ entries: (w: ByteWriter) => w.section(new Uint8Array([1, 7, 0])) },
		],
		['more entries than checks', { entries: (w: ByteWriter) => w.section(new Uint8Array([3])) }],
		['invalid UTF-8', { entries: (w: ByteWriter) => w.section(new Uint8Array([1, 0, 1, 0xff])) }],
		['a message index past the entries', { messages: runs([0, 1, 2, 1]) }],
		['an entry no check uses', { messages: runs([0, 2]) }],
		['runs that cover 3 checks of 2', { outcomes: runs([0, 1, 2, 2]) }],
		['runs that cover 1 check of 2', { modes: runs([0, 1]) }],
		['a run of length 0', { modes: runs([0, 0, 1, 2]) }],
		['two runs of one value', { modes: runs([0, 1, 0, 1]) }],
		['an outcome that does not exist', { outcomes: runs([0, 1, 4, 1]) }],
		['an HTTP status past 999', { statuses: runs([1001, 2]) }],
		[
			'durations 6 bytes wide',
			{ durations: (w: ByteWriter) => (w.byte(6), w.section(new Uint8Array(10))) },
		],
		[
			'durations wider than needed',
			{ durations: (w: ByteWriter) => (w.byte(2), w.section(new Uint8Array([0, 0]))) },
		],
		[
			'too few high duration bytes',
			{ durations: (w: ByteWriter) => (w.byte(3), w.section(new Uint8Array([3, 0x86]))) },
		],
		[
			'bytes after the last column',
			{ messages: (w: ByteWriter) => (runs([0, 1, 1, 1])(w), w.byte(0)) },
		],
	])('refuses %s', async (_what, parts) => {
		await refusal(crafted(parts));
	});

	it('refuses a frame whose count, lengths, checksum or format are wrong', async () => {
		const good = framed(2, columnsOf(), LOW);
		await refusal(decodeBlock(frame(3, columnsOf(), new Uint8Array([1, 2, 3])), nodeCompression));
		await refusal(decodeBlock(frame(0, columnsOf(), new Uint8Array()), nodeCompression));
		const otherFormat = frameOf(good);
		otherFormat[0] = 2;
		expect(await refusal(decodeBlock(otherFormat, nodeCompression))).toMatch(/format 2/);
		const longer = frameOf({ ...good, columnsLength: good.columnsLength + 1 });
		expect(await refusal(decodeBlock(longer, nodeCompression))).toMatch(/gives \d+ bytes/);
		const checksum = frameOf({ ...good, checksum: good.checksum ^ 1 });
		expect(await refusal(decodeBlock(checksum, nodeCompression))).toMatch(/checksum/);
	});
});

function varints(...values: number[]): Uint8Array {
	const w = new ByteWriter();
	values.forEach((v) => w.int(v));
	return w.finish();
}

function runs(pairs: number[]) {
	return (w: ByteWriter) => {
		const inner = new ByteWriter();
		pairs.forEach((v) => inner.uint(v));
		w.section(inner.finish());
	};
}

describe.each(compressions)('damaged blocks (%s)', (_name, compression: Compression) => {
	it('refuses every truncation of a block', async () => {
		const { body } = await encodeBlock(two, nodeCompression);
		for (let length = 0; length < body.length; length++)
			await refusal(decodeBlock(body.subarray(0, length), compression));
	});

	it('refuses a byte after the end of either stream', async () => {
		const good = framed(2, columnsOf(), LOW);
		const stray = (bytes: Uint8Array) => new Uint8Array([...bytes, 0]);
		await refusal(
			decodeBlock(frameOf({ ...good, packedLowBytes: stray(good.packedLowBytes) }), compression),
		);
		await refusal(
			decodeBlock(frameOf({ ...good, packedColumns: stray(good.packedColumns) }), compression),
		);
		expect(await decodeBlock(frameOf(good), compression)).toEqual(two);
	});

	it('stops a bomb at the announced length', async () => {
		const good = framed(2, columnsOf(), LOW);
		const message = await refusal(
			decodeBlock(
				frameOf({ ...good, packedColumns: bomb(), columnsLength: 4 * 1024 * 1024 }),
				compression,
			),
		);
		expect(message).toMatch(/inflates past the 4194304 bytes/);
		await refusal(decodeBlock(frameOf({ ...good, packedLowBytes: bomb() }), compression));
		// Announcing more than a block may hold is refused before anything is inflated.
		await refusal(
			decodeBlock(
				frameOf({ ...good, packedColumns: bomb(), columnsLength: 64 * 1024 * 1024 }),
				compression,
			),
		);
	});

	it("refuses a block that does not match its row's count, span or summary", async () => {
		const { body, summary } = await encodeBlock(two, nodeCompression);
		const decode = (expect: BlockExpectations) => decodeBlock(body, compression, { expect });
		expect(await decode({ count: 2, start: 1003, end: 61_001, summary })).toEqual(two);
		expect(await refusal(decode({ count: 3 }))).toMatch(/holds 2 checks, its row says 3/);
		expect(await refusal(decode({ start: 1004 }))).toMatch(/before the block's span/);
		expect(await refusal(decode({ end: 61_000 }))).toMatch(/after the block's span/);
		await refusal(decode({ summary: { ...summary, down: 0, up: 2 } }));
		await refusal(decode({ summary: { ...summary, sumTenths: summary.sumTenths + 1 } }));
	});

	it('gives back the checks or refuses, whatever bytes are flipped', async () => {
		await fc.assert(
			fc.asyncProperty(
				checkSeries(40),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
					minLength: 1,
					maxLength: 4,
				}),
				async (checks, flips) => {
					const { body } = await encodeBlock(checks, nodeCompression);
					const damaged = body.slice();
					for (const [at, mask] of flips) damaged[at % damaged.length]! ^= mask;
					const result = await decodeBlock(damaged, compression).catch((e: unknown) => e);
					if (result instanceof AppError) expect(result.code).toBe('history-block-corrupt');
					else expect(result).toEqual(checks);
				},
			),
			{ numRuns: 200 },
		);
	});

	it('refuses random bytes', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
				await refusal(decodeBlock(bytes, compression));
			}),
			{ numRuns: 200 },
		);
	});
});
