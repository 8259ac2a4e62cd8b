/**
 * The varints and sections every part of a block is made of: any safe value round-trips, and the reader
 * refuses what a writer never writes (overlong, oversized, past the end, left over).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { ByteReader, ByteWriter, MAX_SIGNED } from '../../src/worker/stores/history/bytes';
import { crc32 } from '../../src/worker/stores/history/crc32';

const bytes = (...values: number[]) => new Uint8Array(values);

function refused(read: (reader: ByteReader) => unknown, input: Uint8Array): string {
	try {
		read(new ByteReader(input, 'test'));
	} catch (error) {
		expect(error).toBeInstanceOf(AppError);
		expect((error as AppError).code).toBe('history-block-corrupt');
		return (error as AppError).message;
	}
	throw new Error('not refused');
}

describe('varints', () => {
	it('round-trip any safe unsigned and signed value, mixed with sections and u32s', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.oneof(
						fc.record({ uint: fc.maxSafeNat() }),
						fc.record({ int: fc.integer({ min: -MAX_SIGNED, max: MAX_SIGNED }) }),
						fc.record({ u32: fc.integer({ min: 0, max: 0xffffffff }) }),
						fc.record({ section: fc.uint8Array({ maxLength: 40 }) }),
					),
				),
				(values) => {
					const writer = new ByteWriter();
					for (const v of values) {
						if ('uint' in v) writer.uint(v.uint);
						else if ('int' in v) writer.int(v.int);
						else if ('u32' in v) writer.u32(v.u32);
						else writer.section(v.section);
					}
					const reader = new ByteReader(writer.finish(), 'test');
					for (const v of values) {
						if ('uint' in v) expect(reader.uint()).toBe(v.uint);
						else if ('int' in v) expect(reader.int()).toBe(v.int);
						else if ('u32' in v) expect(reader.u32()).toBe(v.u32);
						else expect(reader.section('s').bytes(v.section.length)).toEqual(v.section);
					}
					reader.end();
				},
			),
		);
	});

	it('are LEB128: 7 bits a byte, low bits first; zig-zag for signed', () => {
		const writer = new ByteWriter();
		writer.uint(300);
		writer.int(-1);
		writer.int(1);
		writer.uint(Number.MAX_SAFE_INTEGER);
		expect(writer.finish()).toEqual(
			bytes(0xac, 0x02, 0x01, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f),
		);
	});

	it('refuse overlong, oversized, unfinished and over-limit varints', () => {
		expect(refused((r) => r.uint(), bytes(0x80, 0x00))).toMatch(/overlong/);
		expect(refused((r) => r.uint(), new Uint8Array(9).fill(0xff))).toMatch(/longer than 8/);
		expect(refused((r) => r.uint(), bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10))).toMatch(
			/above its limit/,
		);
		expect(refused((r) => r.uint(), bytes(0x80))).toMatch(/ends early/);
		expect(refused((r) => r.uint(100), bytes(101))).toMatch(/above its limit 100/);
		expect(refused((r) => r.int(10), bytes(21))).toMatch(/above its limit/);
	});

	it('refuse a section past the end, and bytes left over', () => {
		expect(refused((r) => r.section('s'), bytes(3, 1, 2))).toMatch(/3 bytes announced, 2 left/);
		expect(refused((r) => (r.byte(), r.end()), bytes(1, 2))).toMatch(/1 trailing bytes/);
	});
});

describe('crc32', () => {
	it('is the CRC-32 of zlib, and continues over several parts', async () => {
		const zlib = await import('node:zlib');
		const text = new TextEncoder().encode('123456789');
		expect(crc32(text)).toBe(0xcbf43926);
		fc.assert(
			fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
				expect(crc32(b, crc32(a))).toBe(crc32(new Uint8Array([...a, ...b])));
				expect(crc32(a)).toBe(zlib.crc32(a));
			}),
		);
	});
});
