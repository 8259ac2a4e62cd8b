/**
 * The two raw-deflate adapters: the browser's streams (Node 20 has CompressionStream too) and node:zlib.
 * Same bytes, each reads the other's, and inflating is bounded by the length the caller announces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCompression } from '../../src/cli/history-compression';
import {
	MAX_INFLATED_BYTES,
	streamCompression,
	type Compression,
} from '../../src/worker/stores/history/compression';
import { bomb, refusal } from './history-helpers';

const compressions = [nodeCompression, streamCompression].map((c) => [c.name, c] as const);

describe('compression adapters', () => {
	it('write the same bytes, and each reads the other', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 5000 }), async (data) => {
				const fromNode = await nodeCompression.deflate(data);
				const fromStreams = await streamCompression.deflate(data);
				expect(fromStreams).toEqual(fromNode);
				expect(await streamCompression.inflate(fromNode, data.length)).toEqual(data);
				expect(await nodeCompression.inflate(fromStreams, data.length)).toEqual(data);
			}),
			{ numRuns: 50 },
		);
	});

	it.each(compressions)(
		'%s gives plain Uint8Arrays of exactly the length announced',
		async (_n, c) => {
			const data = new TextEncoder().encode('up '.repeat(1000));
			const packed = await c.deflate(data);
			const back = await c.inflate(packed, data.length);
			expect(back.constructor).toBe(Uint8Array);
			expect(back).toEqual(data);
			expect(await refusal(c.inflate(packed, data.length - 1))).toMatch(
				/inflates past the 2999 bytes/,
			);
			expect(await refusal(c.inflate(packed, data.length + 1))).toMatch(/gives 3000 bytes, 3001/);
		},
	);

	it.each(compressions)('%s stops a bomb one byte past the bound', async (_n, c: Compression) => {
		expect(bomb().length).toBeLessThan(MAX_INFLATED_BYTES / 100);
		expect(await refusal(c.inflate(bomb(), 1024))).toMatch(/inflates past the 1024 bytes/);
		expect(await refusal(c.inflate(bomb(), MAX_INFLATED_BYTES))).toMatch(/inflates past/);
	});

	it.each(compressions)('%s refuses lengths out of bounds before inflating', async (_n, c) => {
		const packed = await c.deflate(new Uint8Array(10));
		for (const length of [0, -1, 1.5, MAX_INFLATED_BYTES + 1, Number.NaN])
			expect(await refusal(c.inflate(packed, length))).toMatch(/outside 1/);
	});

	it.each(compressions)('%s refuses what is not a whole deflate stream', async (_n, c) => {
		const packed = await c.deflate(new TextEncoder().encode('HTTP 200 in 87 ms'.repeat(20)));
		await refusal(c.inflate(new Uint8Array(), 340));
		await refusal(c.inflate(packed.subarray(0, packed.length - 1), 340));
		await refusal(c.inflate(new Uint8Array([...packed, 0x00]), 340));
		await refusal(c.inflate(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 340));
	});
});
