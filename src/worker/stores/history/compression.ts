/**
 * Raw deflate (RFC 1951) through the platform's own codec: `CompressionStream('deflate-raw')` in browsers and
 * workers, `node:zlib` in the command line (see zlib-compression.ts). Both write the same format and read
 * each other's bytes.
 *
 * Inflating is bounded: the caller says exactly how many bytes the stream must give, reading stops one byte
 * past that, and anything else (a bomb that inflates past it, a stream that ends early, bytes after the end
 * of the stream, something that is not deflate) is a `history-block-corrupt` error. Nothing is allocated
 * beyond the announced length, and a finite input always finishes.
 */
import { AppError } from '../../../shared/errors';
import { blockCorrupt } from './errors';

/** No block inflates past this, whatever it announces (the block codec sets a far lower bound). */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export interface Compression {
	readonly name: string;
	deflate(data: Uint8Array): Promise<Uint8Array>;
	/** Inflates `data`, which must give exactly `length` bytes (1 … MAX_INFLATED_BYTES). */
	inflate(data: Uint8Array, length: number): Promise<Uint8Array>;
}

export function checkInflateLength(length: number): void {
	if (!Number.isSafeInteger(length) || length < 1 || length > MAX_INFLATED_BYTES)
		throw blockCorrupt(
			`an inflated length of ${length} bytes is outside 1 … ${MAX_INFLATED_BYTES}`,
		);
}

export function wrongLength(length: number, actual: number): Error {
	return actual > length
		? blockCorrupt(`the compressed stream inflates past the ${length} bytes announced`, { length })
		: blockCorrupt(`the compressed stream gives ${actual} bytes, ${length} were announced`, {
				length,
			});
}

export function notDeflate(error: unknown): Error {
	const message = error instanceof Error ? error.message : String(error);
	return blockCorrupt(`the compressed stream is not valid deflate: ${message}`);
}

/** `data` through a compression transform. */
function through(
	data: Uint8Array,
	transform: CompressionStream | DecompressionStream,
): ReadableStream<Uint8Array> {
	// A copy in a Blob of its own: the caller's bytes may be a view into a larger buffer.
	const source = new Blob([data.slice()]).stream();
	// The DOM types declare the writable side as BufferSource, which a Uint8Array is.
	const writable = transform.writable as WritableStream<Uint8Array<ArrayBuffer>>;
	return source.pipeThrough({ writable, readable: transform.readable });
}

/** Reads at most `length + 1` bytes of `stream`, then stops it. */
async function readBounded(
	stream: ReadableStream<Uint8Array>,
	length: number,
): Promise<Uint8Array> {
	const output = new Uint8Array(length);
	const reader = stream.getReader();
	let filled = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (filled + value.length > length) {
				await reader.cancel().catch(() => undefined);
				throw wrongLength(length, filled + value.length);
			}
			output.set(value, filled);
			filled += value.length;
		}
	} catch (error) {
		if (error instanceof AppError) throw error;
		throw notDeflate(error);
	}
	if (filled !== length) throw wrongLength(length, filled);
	return output;
}

async function inflateStream(data: Uint8Array, length: number): Promise<Uint8Array> {
	return readBounded(through(data, new DecompressionStream('deflate-raw')), length);
}

let refusesTrailingBytes: Promise<boolean> | undefined;

/**
 * Browsers following the Compression Streams spec refuse bytes after the end of a deflate stream; Node 20's
 * DecompressionStream ignores them. Asked once, with the empty stream (03 00) and a stray byte.
 */
function platformRefusesTrailingBytes(): Promise<boolean> {
	refusesTrailingBytes ??= inflateStream(new Uint8Array([0x03, 0x00, 0xff]), 0).then(
		() => false,
		() => true,
	);
	return refusesTrailingBytes;
}

export const streamCompression: Compression = {
	name: 'CompressionStream',
	async deflate(data) {
		const stream = through(data, new CompressionStream('deflate-raw'));
		return new Uint8Array(await new Response(stream).arrayBuffer());
	},
	async inflate(data, length) {
		checkInflateLength(length);
		const output = await inflateStream(data, length);
		if (!(await platformRefusesTrailingBytes())) {
			// Every complete deflate stream ends in its last byte, so without that byte it must fail to inflate;
			// if it still inflates, the last byte was not part of the stream.
			const withoutLast = await inflateStream(data.subarray(0, data.length - 1), length).then(
				() => true,
				() => false,
			);
			if (withoutLast) throw blockCorrupt('bytes follow the end of the compressed stream');
		}
		return output;
	},
};
