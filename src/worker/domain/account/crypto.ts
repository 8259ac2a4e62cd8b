/**
 * The cryptography of the owner account, on WebCrypto only (the same code runs in the worker and in Node):
 * PBKDF2-SHA256 derives a key-encryption key from the passphrase; a random AES-GCM-256 data key encrypts
 * the secrets and is stored wrapped (AES-GCM) under the derived key. A new passphrase gets a new data key
 * (account.ts), so an old passphrase and an old copy of the file open nothing written since.
 *
 * Envelopes: `enc:v1:iv:ciphertext` (the first version) is bound to nothing; `enc:v2:iv:ciphertext`
 * is bound to its place (table, column, row id) as AES-GCM additional data, so a ciphertext copied into
 * another row, or another column, fails to open. v1 values still open, and are sealed again as v2 on
 * the next unlock.
 */

/** OWASP Password Storage Cheat Sheet (2023 and later): 600,000 iterations for PBKDF2-HMAC-SHA256. */
export const KDF_ITERATIONS = 600_000;
export const SEALED_PREFIX = 'enc:';
const V1 = 'enc:v1:';
const V2 = 'enc:v2:';

/** Where a sealed value lives, e.g. `telegram_bots.token#3` (stores/secrets.ts `placeOf`): its additional data. */
export type Place = string;

/**
 * The iterations PBKDF2 is ever run with. `users.iterations` comes from the database, and an imported
 * one from anyone: a crafted 4 billion would keep the worker deriving for hours at unlock or import, and
 * a handful would make a passphrase cheap to guess. Out of range, the key derived is simply not the one
 * the file's data key was wrapped under: its passphrase is refused as wrong.
 */
export const KDF_ITERATIONS_RANGE = { min: 100_000, max: 2_000_000 } as const;

export function clampIterations(iterations: number): number {
	const { min, max } = KDF_ITERATIONS_RANGE;
	return Number.isFinite(iterations) ? Math.min(max, Math.max(min, Math.trunc(iterations))) : min;
}

const subtle = () => globalThis.crypto.subtle;

function random(length: number): Uint8Array<ArrayBuffer> {
	return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function toBase64(bytes: Uint8Array): string {
	let text = '';
	for (const byte of bytes) text += String.fromCharCode(byte);
	return btoa(text);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

export function newSalt(): Uint8Array<ArrayBuffer> {
	return random(16);
}

export async function deriveKey(
	passphrase: string,
	salt: Uint8Array<ArrayBuffer>,
	iterations: number,
): Promise<CryptoKey> {
	const material = await subtle().importKey(
		'raw',
		new TextEncoder().encode(passphrase.normalize('NFC')),
		'PBKDF2',
		false,
		['deriveKey'],
	);
	return subtle().deriveKey(
		{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: clampIterations(iterations) },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt'],
	);
}

export interface WrappedKey {
	wrapped: Uint8Array<ArrayBuffer>;
	iv: Uint8Array<ArrayBuffer>;
}

/** A fresh data key: the CryptoKey (not extractable) and its raw bytes, to be wrapped once and dropped. */
export async function newDataKey(): Promise<{ key: CryptoKey; raw: Uint8Array<ArrayBuffer> }> {
	const raw = random(32);
	return { key: await importDataKey(raw), raw };
}

function importDataKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
	return subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export async function wrap(raw: Uint8Array<ArrayBuffer>, kek: CryptoKey): Promise<WrappedKey> {
	const iv = random(12);
	return { wrapped: new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, kek, raw)), iv };
}

/** Throws when the derived key is not the one the data key was wrapped under (a wrong passphrase). */
export async function unwrap(
	wrapped: WrappedKey,
	kek: CryptoKey,
): Promise<{ key: CryptoKey; raw: Uint8Array<ArrayBuffer> }> {
	const raw = new Uint8Array(
		await subtle().decrypt({ name: 'AES-GCM', iv: wrapped.iv }, kek, wrapped.wrapped),
	);
	return { key: await importDataKey(raw), raw };
}

export function isSealed(value: string): boolean {
	return value.startsWith(SEALED_PREFIX);
}

/** A value sealed before ciphertexts were bound to their place: sealed again at the next unlock. */
export function isUnbound(value: string): boolean {
	return value.startsWith(V1);
}

export async function seal(key: CryptoKey, plaintext: string, place: Place): Promise<string> {
	const iv = random(12);
	const ciphertext = new Uint8Array(
		await subtle().encrypt(
			{ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(place) },
			key,
			new TextEncoder().encode(plaintext),
		),
	);
	return `${V2}${toBase64(iv)}:${toBase64(ciphertext)}`;
}

/** Throws unless `sealed` was sealed under `key` for `place` (or is a v1 value, bound to no place). */
export async function open(key: CryptoKey, sealed: string, place: Place): Promise<string> {
	const version = sealed.startsWith(V2) ? 2 : sealed.startsWith(V1) ? 1 : 0;
	const [iv, data] = sealed.slice(V1.length).split(':');
	if (!version || !iv || !data) throw new Error('not a sealed value');
	const plain = await subtle().decrypt(
		version === 2
			? { name: 'AES-GCM', iv: fromBase64(iv), additionalData: new TextEncoder().encode(place) }
			: { name: 'AES-GCM', iv: fromBase64(iv) },
		key,
		fromBase64(data),
	);
	return new TextDecoder().decode(plain);
}
