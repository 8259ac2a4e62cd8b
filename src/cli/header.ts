/** The 100-byte SQLite file header (sqlite.org/fileformat.html#the_database_header), read directly. */

export interface Header {
	pageSize: number;
	/** The in-header database size in pages, or null when the header says it is not to be trusted. */
	pageCount: number | null;
	writeVersion: number;
	readVersion: number;
	/** SQLITE_VERSION_NUMBER of the library that last wrote the file, e.g. 3054001. */
	sqliteVersion: number;
	textEncoding: number;
}

export function readHeader(bytes: Uint8Array): Header {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const rawPageSize = view.getUint16(16);
	const changeCounter = view.getUint32(24);
	const validFor = view.getUint32(92);
	return {
		pageSize: rawPageSize === 1 ? 65536 : rawPageSize,
		pageCount: validFor === changeCounter ? view.getUint32(28) : null,
		writeVersion: view.getUint8(18),
		readVersion: view.getUint8(19),
		sqliteVersion: view.getUint32(96),
		textEncoding: view.getUint32(56),
	};
}

/** 3054001 -> "3.54.1". */
export function versionString(n: number): string {
	return `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`;
}

/** Problems with the header itself, as sentences; empty when it is sound. */
export function headerProblems(header: Header, fileSize: number): string[] {
	const problems: string[] = [];
	const { pageSize, pageCount } = header;
	if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
		problems.push(`page size ${pageSize} is not a power of two between 512 and 65536`);
		return problems;
	}
	if (fileSize % pageSize !== 0)
		problems.push(`the file size is not a whole number of ${pageSize}-byte pages`);
	if (pageCount !== null && pageCount * pageSize !== fileSize) {
		problems.push(
			`the header says ${pageCount} pages, the file holds ${Math.floor(fileSize / pageSize)}`,
		);
	}
	if (header.readVersion > 2)
		problems.push(`read format ${header.readVersion} is newer than any SQLite knows`);
	if (![1, 2, 3].includes(header.textEncoding))
		problems.push(`text encoding ${header.textEncoding} is not valid`);
	return problems;
}
