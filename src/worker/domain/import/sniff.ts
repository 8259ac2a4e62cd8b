/**
 * The first look at a file someone wants to import, from its bytes alone, before SQLite sees it: each
 * kind of wrong file gets its own error, so the message can say what the file is and what to do.
 */
import { AppError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { sizeRefusal } from '../../../shared/transfer';

const SQLITE_MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;

/** Signatures of the archive and compression formats a database is likely to arrive in. */
const COMPRESSED: readonly { name: string; magic: readonly number[] }[] = [
	{ name: 'gzip', magic: [0x1f, 0x8b] },
	{ name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04] },
	{ name: 'zip', magic: [0x50, 0x4b, 0x05, 0x06] },
	{ name: 'zip', magic: [0x50, 0x4b, 0x07, 0x08] },
	{ name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
	{ name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
	{ name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
	{ name: '7-Zip', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
];

/** What the header of a SQLite file says about the file. */
export interface SqliteHeader {
	pageSize: number;
	/** Pages the header says the file has, when that number is valid (see "in-header database size"). */
	pageCount: number | null;
	/** Bytes 18 and 19 are 2 in a file written in WAL mode. */
	wal: boolean;
}

/**
 * Throws the error that fits a file which cannot be a whole SQLite database, or returns its header.
 * Reads at most the first few KiB, so it costs nothing on a large file.
 */
export function sniff(bytes: Uint8Array): SqliteHeader {
	const refusal = sizeRefusal(bytes.length);
	if (refusal) throw refusal;
	if (startsWith(bytes, SQLITE_MAGIC)) return readHeader(bytes);
	if (bytes.length < SQLITE_MAGIC.length && startsWith(SQLITE_MAGIC, bytes)) {
		throw headerOnly(bytes.length);
	}
	const format = COMPRESSED.find((c) => startsWith(bytes, c.magic));
	if (format) {
		throw new AppError(
			'import-compressed',
			`This file is a ${format.name} archive, not a database. Unpack it first (open it with your archive tool), then import the .db file inside.`,
			{ format: format.name },
		);
	}
	if (looksLikeText(bytes)) throw new AppError('import-text-file');
	throw new AppError('not-sqlite');
}

function readHeader(bytes: Uint8Array): SqliteHeader {
	if (bytes.length < HEADER_BYTES) throw headerOnly(bytes.length);
	const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
	const raw = view.getUint16(16);
	const pageSize = raw === 1 ? 65536 : raw;
	if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
		throw new AppError(
			'import-corrupt',
			`This file starts like a SQLite database, but its header is damaged (a page size of ${raw} bytes is impossible), so it cannot be imported.`,
		);
	}
	if (bytes.length === HEADER_BYTES) throw headerOnly(bytes.length);
	// The page count in the header is valid only when "version-valid-for" equals the change counter.
	const counted = view.getUint32(28);
	const valid = counted > 0 && view.getUint32(92) === view.getUint32(24);
	const pageCount = valid ? counted : null;
	const expected = pageCount === null ? null : pageCount * pageSize;
	if (bytes.length < pageSize || (expected !== null && bytes.length < expected)) {
		throw new AppError(
			'import-truncated',
			`This database file is incomplete: it has ${formatBytes(bytes.length)}` +
				(expected !== null ? ` where its header announces ${formatBytes(expected)}` : '') +
				', so the copy or download was cut short. Copy it again from where it came from.',
			{ sizeBytes: bytes.length, expectedBytes: expected ?? pageSize },
		);
	}
	if (bytes.length % pageSize !== 0) {
		throw new AppError(
			'import-truncated',
			`This database file ends in the middle of a page (${bytes.length.toLocaleString('en')} bytes is not a whole number of ${pageSize}-byte pages), so the copy or download was cut short.`,
			{ sizeBytes: bytes.length, pageSize },
		);
	}
	return { pageSize, pageCount, wal: bytes[18] === 2 || bytes[19] === 2 };
}

function headerOnly(length: number): AppError {
	return new AppError(
		'import-truncated',
		`This file holds only the start of a SQLite database (${length} bytes of its header) and nothing after it: ` +
			'the copy or download stopped at the very beginning. Copy it again from where it came from.',
		{ sizeBytes: length },
	);
}

function startsWith(bytes: Uint8Array | string, prefix: string | Uint8Array | readonly number[]) {
	const at = (v: Uint8Array | string | readonly number[], i: number) =>
		typeof v === 'string' ? v.charCodeAt(i) : v[i];
	if (bytes.length < prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (at(bytes, i) !== at(prefix, i)) return false;
	return true;
}

/** Text: the first 4 KiB are valid UTF-8 without NUL or other control characters but tab and line ends. */
function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, 4096);
	let text: string;
	try {
		// `stream: true` lets the sample end in the middle of a multi-byte character.
		text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
	} catch {
		return false;
	}
	// eslint-disable-next-line no-control-regex
	return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}
