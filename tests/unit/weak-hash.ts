/**
 * Collisions of the 32-bit FNV chunk hash that builds before the 64-bit one used (FNV-1a over
 * little-endian 32-bit words, seeded with the length): two words changed together leave it as it was.
 * Used to prove that no save, restore or import decides by it any more.
 */

const PRIME = 0x01000193;

/** The hash state after the first `words` words of `bytes` (bytes.byteOffset must be a multiple of 4). */
function stateAfter(bytes: Uint8Array, words: number): number {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let h = 0x811c9dc5 ^ bytes.length;
	for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(i * 4, true), PRIME);
	return h;
}

/**
 * A copy of `chunk` whose words `word` and `word + 1` differ from the original, `word` becoming
 * `replacement`, with the same 32-bit FNV hash.
 */
export function weakHashTwin(chunk: Uint8Array, word: number, replacement: number): Uint8Array {
	const twin = chunk.slice();
	const view = new DataView(twin.buffer);
	const before = stateAfter(twin, word);
	const original = view.getUint32(word * 4, true);
	if (original === replacement >>> 0) throw new Error('the replacement word is the original');
	const after = Math.imul(before ^ original, PRIME);
	const afterTwin = Math.imul(before ^ replacement, PRIME);
	view.setUint32(word * 4, replacement >>> 0, true);
	view.setUint32(
		(word + 1) * 4,
		(view.getUint32((word + 1) * 4, true) ^ after ^ afterTwin) >>> 0,
		true,
	);
	return twin;
}

/** The earlier builds' 32-bit chunk hash, without its final avalanche (a bijection: equal stays equal). */
export function weakHashState(chunk: Uint8Array): number {
	return stateAfter(chunk, chunk.length >>> 2) >>> 0;
}

/**
 * The byte offset of `length` bytes (a multiple of 4 from the page start) that SQLite does not use in a
 * b-tree page after the first: the gap between a page's cell pointers and its cells. Changing them
 * leaves the database as valid as it was.
 */
export function unusedBytes(image: Uint8Array, pageSize: number, length: number): number {
	for (let page = 1; page * pageSize < image.length; page++) {
		const start = page * pageSize;
		const type = image[start]!;
		if (![2, 5, 10, 13].includes(type)) continue;
		const cells = (image[start + 3]! << 8) | image[start + 4]!;
		const content = (image[start + 5]! << 8) | image[start + 6]! || 65536;
		const pointers = (type === 2 || type === 5 ? 12 : 8) + 2 * cells;
		const from = Math.ceil(pointers / 4) * 4;
		if (content - from >= length) return start + from;
	}
	throw new Error(`no page has ${length} unused bytes`);
}
