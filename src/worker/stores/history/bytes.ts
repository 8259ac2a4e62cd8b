/**
 * Varints and byte sections for the block format. Values are JavaScript safe integers, so the 32-bit bitwise
 * operators cannot be used above 2^31; a varint is LEB128 of at most 8 bytes (56 bits, of which 53 are
 * used). The reader is strict because its input is untrusted: an overlong or oversized varint, a section
 * that runs past its end and bytes left over are all refusals, never a guess.
 */
import { blockCorrupt } from './errors';

/** 53 bits need 8 groups of 7. */
const MAX_VARINT_BYTES = 8;
/** Zig-zag doubles the magnitude, so signed values stay below 2^52 to remain safe integers. */
export const MAX_SIGNED = 2 ** 52 - 1;

export class ByteWriter {
	#buffer = new Uint8Array(1024);
	#length = 0;

	get length(): number {
		return this.#length;
	}

	#reserve(count: number): void {
		if (this.#length + count <= this.#buffer.length) return;
		let size = this.#buffer.length * 2;
		while (size < this.#length + count) size *= 2;
		const grown = new Uint8Array(size);
		grown.set(this.#buffer.subarray(0, this.#length));
		this.#buffer = grown;
	}

	byte(value: number): void {
		this.#reserve(1);
		this.#buffer[this.#length++] = value & 0xff;
	}

	/** An unsigned LEB128 varint; `value` is a safe, non-negative integer (checked by the caller). */
	uint(value: number): void {
		this.#reserve(MAX_VARINT_BYTES);
		let rest = value;
		while (rest >= 0x80) {
			this.#buffer[this.#length++] = (rest % 0x80) | 0x80;
			rest = Math.floor(rest / 0x80);
		}
		this.#buffer[this.#length++] = rest;
	}

	/** A signed value, zig-zag coded (0, -1, 1, -2, … become 0, 1, 2, 3, …) so small magnitudes stay short. */
	int(value: number): void {
		this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
	}

	u32(value: number): void {
		this.#reserve(4);
		for (let shift = 0; shift < 32; shift += 8) this.#buffer[this.#length++] = value >>> shift;
	}

	bytes(data: Uint8Array): void {
		this.#reserve(data.length);
		this.#buffer.set(data, this.#length);
		this.#length += data.length;
	}

	/** A length-prefixed section: lets a reader check each part on its own and find trailing bytes. */
	section(data: Uint8Array): void {
		this.uint(data.length);
		this.bytes(data);
	}

	finish(): Uint8Array {
		return this.#buffer.slice(0, this.#length);
	}
}

export class ByteReader {
	readonly #bytes: Uint8Array;
	readonly #what: string;
	#offset = 0;

	/** `what` names the part being read, for the error a person or a test reads. */
	constructor(bytes: Uint8Array, what: string) {
		this.#bytes = bytes;
		this.#what = what;
	}

	get remaining(): number {
		return this.#bytes.length - this.#offset;
	}

	#fail(reason: string): never {
		throw blockCorrupt(`${this.#what}: ${reason}`, { at: this.#offset });
	}

	byte(): number {
		if (this.#offset >= this.#bytes.length) this.#fail('ends early');
		return this.#bytes[this.#offset++]!;
	}

	uint(max = Number.MAX_SAFE_INTEGER): number {
		let value = 0;
		let scale = 1;
		for (let index = 0; ; index++) {
			if (index === MAX_VARINT_BYTES) this.#fail('a varint is longer than 8 bytes');
			const byte = this.byte();
			value += (byte & 0x7f) * scale;
			if (byte < 0x80) {
				// One encoding per value: a final zero group after the first byte is an overlong varint.
				if (byte === 0 && index > 0) this.#fail('an overlong varint');
				break;
			}
			scale *= 0x80;
		}
		if (value > max) this.#fail(`a value ${value} is above its limit ${max}`);
		return value;
	}

	int(limit = MAX_SIGNED): number {
		const zigzag = this.uint(limit * 2);
		return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
	}

	u32(): number {
		let value = 0;
		for (let shift = 0; shift < 32; shift += 8) value += this.byte() * 2 ** shift;
		return value;
	}

	bytes(count: number): Uint8Array {
		if (count > this.remaining) this.#fail(`${count} bytes announced, ${this.remaining} left`);
		const slice = this.#bytes.subarray(this.#offset, this.#offset + count);
		this.#offset += count;
		return slice;
	}

	/** Reads a section written by `ByteWriter.section` as a reader of its own. */
	section(what: string): ByteReader {
		return new ByteReader(this.bytes(this.uint()), what);
	}

	/** Everything announced has been read: anything left is refused rather than ignored. */
	end(): void {
		if (this.remaining > 0) this.#fail(`${this.remaining} trailing bytes`);
	}
}
