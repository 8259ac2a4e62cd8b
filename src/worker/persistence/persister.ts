/**
 * Group commit. Every write asks for a save and waits for it; writes that arrive while a save is in
 * flight join the next one, so a burst of writes costs a few IndexedDB transactions, not one each.
 * A write's promise resolves only once a save that started after its commit has completed.
 *
 * A failed save keeps everything in memory and retries with backoff; the waiting writes stay pending
 * (never acknowledged, never dropped). Only the stale-writer fence is final.
 */
import type { SaveStatus } from '../../shared/database';
import { AppError, toWireError, type WireError } from '../../shared/errors';
import { planSave, type Manifest } from './chunks';
import type { Durability, ImageStore } from './idb-store';
import type { ImageSource } from './image-source';

interface Waiter {
	resolve: () => void;
	reject: (error: unknown) => void;
	durability: Durability;
}

export interface PersisterOptions {
	store: ImageStore;
	source: ImageSource;
	chunkSize: number;
	writerId: string;
	/** Read between transactions, at the start of each save. */
	meta: () => { pageSize: number; schemaVersion: number };
	onStatus?: (status: SaveStatus) => void;
	now?: () => number;
	/** Milliseconds to wait before retry number `attempt` (0-based). */
	backoff?: (attempt: number) => number;
	/** Hears how long each successful save took, from reading the image to the committed transaction. */
	onSaved?: (ms: number) => void;
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt);

export class Persister {
	readonly #options: PersisterOptions;
	#manifest: Manifest | null;
	#waiters: Waiter[] = [];
	#inFlight: Waiter[] = [];
	#running = false;
	#fenced: AppError | null = null;
	#lastError: WireError | null = null;

	constructor(options: PersisterOptions, stored: Manifest | null) {
		this.#options = options;
		this.#manifest = stored;
	}

	get manifest(): Manifest | null {
		return this.#manifest;
	}

	get generation(): number {
		return this.#manifest?.generation ?? 0;
	}

	status(): SaveStatus {
		const pending = this.#waiters.length + this.#inFlight.length;
		let state: SaveStatus['state'] = this.#manifest ? 'saved' : 'idle';
		if (this.#fenced || this.#lastError) state = 'error';
		else if (pending > 0) state = 'saving';
		return {
			state,
			pending,
			generation: this.generation,
			savedAt: this.#manifest?.savedAt ?? null,
			error: this.#fenced?.message ?? this.#lastError?.message ?? null,
			errorCode: this.#fenced?.code ?? this.#lastError?.code ?? null,
			savedBy: 'this-window',
		};
	}

	get fenced(): AppError | null {
		return this.#fenced;
	}

	/** Resolves once no save is pending: everything acknowledged or asked for so far is durable. */
	async flushed(): Promise<void> {
		if (this.#fenced) throw this.#fenced;
		if (this.#waiters.length === 0 && this.#inFlight.length === 0) return;
		await this.persist();
	}

	/** Resolves once everything committed before this call is durable. */
	persist(durability: Durability = 'relaxed'): Promise<void> {
		if (this.#fenced) return Promise.reject(this.#fenced);
		return new Promise<void>((resolve, reject) => {
			this.#waiters.push({ resolve, reject, durability });
			this.#emit();
			if (!this.#running) void this.#drain();
		});
	}

	async #drain(): Promise<void> {
		this.#running = true;
		try {
			let attempt = 0;
			while (this.#waiters.length > 0 || this.#inFlight.length > 0) {
				this.#inFlight.push(...this.#waiters.splice(0));
				try {
					await this.#saveOnce(
						this.#inFlight.some((w) => w.durability === 'strict') ? 'strict' : 'relaxed',
					);
				} catch (error) {
					if (error instanceof AppError && error.code === 'stale-writer') {
						this.#fence(error);
						return;
					}
					// Quota errors keep their code: the UI tells the person to free space, not just "failed".
					this.#lastError = toWireError(error);
					this.#emit();
					await sleep((this.#options.backoff ?? defaultBackoff)(attempt++));
					continue;
				}
				attempt = 0;
				this.#lastError = null;
				for (const waiter of this.#inFlight.splice(0)) waiter.resolve();
				this.#emit();
			}
		} finally {
			this.#running = false;
		}
	}

	async #saveOnce(durability: Durability): Promise<void> {
		const { source, store, chunkSize, writerId } = this.#options;
		const started = performance.now();
		const changed = source.takeChanged(chunkSize);
		try {
			const plan = planSave(source.image(), this.#manifest, changed, {
				chunkSize,
				writerId,
				now: (this.#options.now ?? Date.now)(),
				...this.#options.meta(),
			});
			await store.commit(plan, this.generation, durability);
			this.#manifest = plan.manifest;
			this.#options.onSaved?.(performance.now() - started);
		} catch (error) {
			if (changed) source.restoreChanged(changed);
			throw error;
		}
	}

	#fence(error: AppError): void {
		this.#fenced = error;
		for (const waiter of [...this.#inFlight.splice(0), ...this.#waiters.splice(0)])
			waiter.reject(error);
		this.#emit();
	}

	#emit(): void {
		this.#options.onStatus?.(this.status());
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
