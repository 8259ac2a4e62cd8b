/**
 * CRC-32 (the one of zlib, PNG and gzip: polynomial 0xEDB88320, reflected, initial and final XOR
 * 0xFFFFFFFF). Raw deflate carries no checksum, and a flipped bit in a compressed stream can inflate to
 * data that parses; the block's checksum over what was inflated catches that.
 */
/** Signed 32-bit entries: the loop then stays in small integers, several times faster than with doubles. */
const TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

/** The CRC of `bytes`; pass the CRC of what came before to continue it (as zlib's crc32 does). */
export function crc32(bytes: Uint8Array, before = 0): number {
	let crc = ~before;
	for (let index = 0; index < bytes.length; index++)
		crc = TABLE[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
	return ~crc >>> 0;
}
