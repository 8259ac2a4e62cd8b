import { describe, expect, it } from 'vitest';
import {
	chunkHash,
	legacyHash32,
	murmur3x86128,
} from '../../src/worker/core/persistence/chunk-hash';
import { weakHashTwin } from './weak-hash';

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join('');
const text = (s: string) => new TextEncoder().encode(s);

describe('the chunk hash', () => {
	// The reference implementation's own test vectors (PeterScott/murmur3, test.c), every tail length.
	it('is MurmurHash3_x86_128, word for word', () => {
		expect(hex(murmur3x86128(text('Hello, world!'), 123))).toBe('61c9129e5a1aacd7a41621629e37c886');
		expect(hex(murmur3x86128(text('Hello, world!'), 321))).toBe('d5fbdcb3c26c4193045880c5a7170f0f');
		expect(hex(murmur3x86128(text('xxxxxxxxxxxxxxxxxxxxxxxxxxxx'), 123))).toBe(
			'5e40bab278825a164cf929d31fec6047',
		);
		expect(hex(murmur3x86128(text(''), 123))).toBe('fedc524526f3e79926f3e79926f3e799');
	});

	it('hashes unaligned views like aligned copies, for every tail length', () => {
		for (let length = 0; length < 80; length++) {
			const data = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
			const padded = new Uint8Array(length + 3);
			padded.set(data, 3);
			expect(chunkHash(padded.subarray(3))).toBe(chunkHash(data));
			expect(legacyHash32(padded.subarray(3))).toBe(legacyHash32(data));
		}
	});

	it('tells apart what the 32-bit hash of earlier builds confused, and every flipped bit', () => {
		const chunk = Uint8Array.from({ length: 16_384 }, (_, i) => (i * 31) & 0xff);
		const twin = weakHashTwin(chunk, 100, 0x12345678);
		expect(legacyHash32(twin)).toBe(legacyHash32(chunk));
		expect(chunkHash(twin)).not.toBe(chunkHash(chunk));
		const seen = new Set([chunkHash(chunk)]);
		for (let bit = 0; bit < 4096; bit += 7) {
			const flipped = chunk.slice();
			flipped[bit >>> 3]! ^= 1 << (bit & 7);
			seen.add(chunkHash(flipped));
		}
		expect(seen.size).toBe(1 + Math.ceil(4096 / 7));
	});
});
