/** Deterministic test files and comparing them, for the storage tests that run in Node and in Chromium. */

/** `length` bytes that differ with `seed`. */
export function bytes(length: number, seed: number): Uint8Array {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = (i * 7 + seed * 13) & 0xff;
	return out;
}

export function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
	return !!a && a.length === b.length && a.every((v, i) => v === b[i]);
}
