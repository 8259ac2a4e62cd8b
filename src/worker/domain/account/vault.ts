/**
 * The secrets of this worker's database, as the rest of the worker reads and writes them. A stored secret
 * is either plain text (no passphrase set) or sealed (`enc:v1:…`, AES-GCM under the data key). Reading is
 * synchronous, so stores and transactions can use it: once the data key is in memory every sealed
 * value is decrypted into a cache, and later seals add to it. Without the key a sealed value cannot be
 * read and the caller gets `secrets-locked` (alerts and checks that need it wait for the unlock).
 */
import { AppError } from '../../../shared/errors';
import { isSealed, open, seal } from './crypto';

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

	/** Holds the data key and decrypts the given sealed values into the cache. */
	async useKey(key: CryptoKey, sealedValues: Iterable<string>): Promise<void> {
		for (const sealed of sealedValues) {
			if (isSealed(sealed) && !this.#plain.has(sealed))
				this.#plain.set(sealed, await open(key, sealed));
		}
		this.#key = key;
		for (const listener of this.#listeners) listener();
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

	canReveal(stored: string): boolean {
		return !isSealed(stored) || this.#plain.has(stored);
	}

	reveal(stored: string): string {
		if (!isSealed(stored)) return stored;
		const plain = this.#plain.get(stored);
		if (plain === undefined) throw new AppError('secrets-locked');
		return plain;
	}

	/** Seals a secret when a passphrase protects this database; leaves it in clear when none does. */
	async protect(plain: string, passphraseSet: boolean): Promise<string> {
		if (!passphraseSet) return plain;
		if (!this.#key) throw new AppError('secrets-locked');
		const sealed = await seal(this.#key, plain);
		this.#plain.set(sealed, plain);
		return sealed;
	}
}

/** The worker's one vault: a worker owns at most one database. */
export const vault = new Vault();
