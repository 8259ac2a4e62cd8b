/**
 * The secrets of this worker's database, as the rest of the worker reads and writes them. A stored secret
 * is either plain text (no passphrase set) or sealed (`enc:v2:…`, AES-GCM under the data key, bound to
 * its row: see crypto.ts). Reading is synchronous, so stores and transactions can use it: once the data
 * key is in memory every sealed value is decrypted, at the place it is stored, into a cache kept by
 * place and value (the same ciphertext copied into another row is a miss there), and later seals add to
 * it. Without the key a sealed value cannot be read and the caller gets `secrets-locked` (alerts and
 * checks that need it wait for the unlock).
 */
import { AppError } from '../../../shared/errors';
import { isSealed, open, seal, type Place } from './crypto';

/** A sealed value as stored, and where: what it must have been sealed for. */
export interface SealedAt {
	sealed: string;
	place: Place;
}

export class Vault {
	#key: CryptoKey | null = null;
	readonly #plain = new Map<string, string>();
	readonly #listeners = new Set<() => void>();

	get hasKey(): boolean {
		return this.#key !== null;
	}

	/** The data key, for re-sealing secrets that arrive with another database (see incoming.ts). */
	get key(): CryptoKey | null {
		return this.#key;
	}

	/**
	 * Holds the data key and decrypts the given sealed values into the cache. A value that does not open
	 * at its place (copied from another row, or damaged) stays unreadable, as if locked; resolves with how
	 * many there were.
	 */
	async useKey(key: CryptoKey, sealedValues: Iterable<SealedAt>): Promise<number> {
		let unreadable = 0;
		for (const { sealed, place } of sealedValues) {
			if (!isSealed(sealed) || this.#plain.has(cacheKey(sealed, place))) continue;
			try {
				this.#plain.set(cacheKey(sealed, place), await open(key, sealed, place));
			} catch {
				unreadable++;
			}
		}
		this.#key = key;
		for (const listener of this.#listeners) listener();
		return unreadable;
	}

	/** Forgets the key and every decrypted value (passphrase removed, or the secrets reset). */
	forget(): void {
		this.#key = null;
		this.#plain.clear();
	}

	/** Called when secrets become readable: jobs that waited (alerts, checks) start again. */
	onUnlock(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	canReveal(stored: string, place: Place): boolean {
		return !isSealed(stored) || this.#plain.has(cacheKey(stored, place));
	}

	/** `place`: where `stored` was read from (stores/secrets.ts `placeOf`). */
	reveal(stored: string, place: Place): string {
		if (!isSealed(stored)) return stored;
		const plain = this.#plain.get(cacheKey(stored, place));
		if (plain === undefined) throw new AppError('secrets-locked');
		return plain;
	}

	/**
	 * Seals a secret for its place when a passphrase protects this database; leaves it in clear when
	 * none does.
	 */
	async protect(plain: string, passphraseSet: boolean, place: Place): Promise<string> {
		if (!passphraseSet) return plain;
		if (!this.#key) throw new AppError('secrets-locked');
		const sealed = await seal(this.#key, plain, place);
		this.#plain.set(cacheKey(sealed, place), plain);
		return sealed;
	}
}

function cacheKey(sealed: string, place: Place): string {
	return `${place}\n${sealed}`;
}

/** The worker's one vault: a worker owns at most one database. */
export const vault = new Vault();
