/**
 * Raw deflate over `node:zlib`, for the command line. Worker code may not import Node built-ins (a lint
 * rule), so the module is handed in: `zlibCompression(await import('node:zlib'))`. Same bounds and errors as
 * the browser's streams (see compression.ts).
 */
import { AppError } from '../../../shared/errors';
import { blockCorrupt } from './errors';
import { checkInflateLength, notDeflate, wrongLength, type Compression } from './compression';

/** The two functions of `node:zlib` used here. */
export interface NodeZlib {
	deflateRawSync(data: Uint8Array): Uint8Array;
	inflateRawSync(data: Uint8Array, options: { maxOutputLength: number; info: boolean }): unknown;
}

interface InflateInfo {
	buffer: Uint8Array;
	/** How many input bytes zlib consumed before the end of the stream. */
	engine: { bytesWritten: number };
}

function isInflateInfo(value: unknown): value is InflateInfo {
	if (typeof value !== 'object' || value === null) return false;
	const { buffer, engine } = value as Partial<InflateInfo>;
	return buffer instanceof Uint8Array && typeof engine?.bytesWritten === 'number';
}

export function zlibCompression(zlib: NodeZlib): Compression {
	return {
		name: 'node:zlib',
		deflate: (data) => Promise.resolve(new Uint8Array(zlib.deflateRawSync(data))),
		// A promise for the same shape as the browser's; a throw inside the executor rejects it.
		inflate: (data, length) =>
			new Promise((resolve) => resolve(inflateExactly(zlib, data, length))),
	};
}

function inflateExactly(zlib: NodeZlib, data: Uint8Array, length: number): Uint8Array {
	checkInflateLength(length);
	let result: unknown;
	try {
		// zlib stops with ERR_BUFFER_TOO_LARGE one byte past the bound: nothing bigger is allocated.
		result = zlib.inflateRawSync(data, { maxOutputLength: length, info: true });
	} catch (error) {
		if (error instanceof AppError) throw error;
		const code = (error as { code?: unknown } | null)?.code;
		throw code === 'ERR_BUFFER_TOO_LARGE' ? wrongLength(length, length + 1) : notDeflate(error);
	}
	if (!isInflateInfo(result)) throw new Error('node:zlib did not return its engine (info: true)');
	if (result.engine.bytesWritten !== data.length)
		throw blockCorrupt('bytes follow the end of the compressed stream');
	if (result.buffer.length !== length) throw wrongLength(length, result.buffer.length);
	return new Uint8Array(result.buffer);
}
