/**
 * How a backup's bytes are stored: gzip through the platform's CompressionStream (the browser's and
 * Node's, so the unit tests run the real thing), cut into chunks that stay below Chromium's 64 KiB
 * limit for inline IndexedDB values (larger values become separate blob files: slower, and a known
 * source of "Failed to read large IndexedDB value").
 *
 * Measured with tests/bench/backup-compression.ts on a 3.5 MiB database (50 monitors, 60,000 check rows
 * with jittered times, random latencies, 2% errors), on a shared 2-core machine, medians of 7:
 *   gzip 1.41 MiB (2.48:1; 23 chunks instead of 57); encode 296 ms in Node 20, 447 ms in Chromium 156;
 *   decode 42 ms in both; SHA-256 of the file 11 ms. At 7 MiB: 2.48:1, encode 0.5-1.0 s, decode 0.14-0.19 s.
 * Backups are rare (before a migration, import, restore or reset, or on demand), run in the worker, and
 * up to 10 automatic ones plus every manual one are kept, so saving 60% of their storage is worth half a
 * second. A file that does not shrink (say, full of already-compressed blobs) is stored as it is.
 */
import type { BackupCompression } from '../../../shared/backups';

/** 63 KiB: the value plus IndexedDB's own framing stays under Chromium's 64 KiB blob threshold. */
export const BACKUP_CHUNK_SIZE = 63 * 1024;

/** Keep the raw file when gzip saves less than this fraction: decompressing would cost time for nothing. */
const WORTHWHILE = 0.9;

/** Bytes handed to the stream at a time, so progress can be reported and memory stays flat. */
const STEP = 256 * 1024;

export type Progress = (fraction: number) => void;

export interface Encoded {
	compression: BackupCompression;
	bytes: Uint8Array;
}

export async function encode(image: Uint8Array, onProgress?: Progress): Promise<Encoded> {
	const gzipped = await transform(image, new CompressionStream('gzip'), onProgress);
	if (gzipped.length <= image.length * WORTHWHILE) return { compression: 'gzip', bytes: gzipped };
	return { compression: 'none', bytes: image };
}

export async function decode(
	bytes: Uint8Array,
	compression: BackupCompression,
	onProgress?: Progress,
): Promise<Uint8Array> {
	if (compression === 'none') return bytes;
	return transform(bytes, new DecompressionStream('gzip'), onProgress);
}

async function transform(
	input: Uint8Array,
	stream: CompressionStream | DecompressionStream,
	onProgress?: Progress,
): Promise<Uint8Array> {
	const writer = (stream.writable as WritableStream<Uint8Array<ArrayBuffer>>).getWriter();
	const write = async () => {
		for (let offset = 0; offset < input.length; offset += STEP) {
			// A copy with its own ArrayBuffer: the stream may transfer what it is given.
			await writer.write(input.slice(offset, offset + STEP));
			onProgress?.(Math.min(1, (offset + STEP) / input.length));
		}
		await writer.close();
	};
	// Read while writing: the stream applies backpressure, so writing everything first would stall.
	const [, output] = await Promise.all([write(), collect(stream.readable)]);
	return output;
}

async function collect(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	let length = 0;
	const reader = readable.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		parts.push(value);
		length += value.length;
	}
	return concat(parts, length);
}

export function split(bytes: Uint8Array, size = BACKUP_CHUNK_SIZE): Uint8Array[] {
	const chunks: Uint8Array[] = [];
	// Copies, not views: IndexedDB would otherwise clone the whole underlying buffer into every chunk.
	for (let offset = 0; offset < bytes.length; offset += size) {
		chunks.push(bytes.slice(offset, offset + size));
	}
	return chunks;
}

export function concat(parts: readonly Uint8Array[], length?: number): Uint8Array {
	const total = length ?? parts.reduce((sum, part) => sum + part.length, 0);
	const out = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
