/**
 * Group commit. Every write asks for a save and waits for it; writes that arrive while a save is in
 * flight join the next one, so a burst of writes costs a few IndexedDB transactions, not one each.
 * A write's promise resolves only once a save that started after its commit has completed.
 *
 * A failed save keeps everything in memory and retries with backoff; the waiting writes stay pending
 * (never acknowledged, never dropped). Only the stale-writer fence is final.
 *
 * Storage the browser deleted under the open app (site data cleared, or evicted) is not another writer:
 * the store says `storage-lost`, and the persister claims it again and saves the whole file from
 * memory, the only copy left, with strict durability. The person is told (`SaveStatus.notice`).
 *
 * Out of space, the cold-open snapshot goes first: it is a second full copy of the file, and only a
 * cache. No snapshot is written again while this persister lives.
 *
 * Between saves the persister checkpoints the block log (plan.ts) and has the cold-open snapshot
 * refreshed (snapshot-refresh.ts).
 */
import type { SaveStatus } from '../../../shared/database';
import { AppError, toWireError, type WireError } from '../../../shared/errors';
import { type Manifest, type Snapshot } from './chunks';
import { chunksOfBlocks, LOG_CHECKPOINT_BLOCKS, planSave } from './plan';
import type { Durability, ImageStore } from './image-store';
import type { ImageSource } from './image-source';
import { RetryWait } from './retry-wait';
import {
	DEFAULT_SNAPSHOT_POLICY,
	SnapshotRefresh,
	snapshotOf,
	type SnapshotPolicy,
} from './snapshot-refresh';

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
	/** When to refresh the snapshot; false: never. */
	snapshots?: SnapshotPolicy | false;
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
	readonly #snapshots: SnapshotRefresh;
	#checkpointTimer: ReturnType<typeof setTimeout> | null = null;
	#idleWaiters: (() => void)[] = [];
	#disposed = false;
	/** The store vanished: the next save claims it again and writes every chunk. */
	#lost = false;
	#notice: WireError | null = null;
	/** Flushes waiting for the saves in flight: told at once when one fails. */
	#flushes: ((error: AppError) => void)[] = [];
	#snapshotDropped = false;
	readonly #unwatch: () => void;
	readonly #retry = new RetryWait();

	/** `snapshotGeneration`: the generation of the snapshot `stored` was loaded with, if any. */
	constructor(
		options: PersisterOptions,
		stored: Manifest | null,
		snapshotGeneration: number | null = null,
	) {
		this.#options = options;
		this.#manifest = stored;
		this.#snapshots = new SnapshotRefresh(
			{
				store: options.store,
				policy: options.snapshots ?? DEFAULT_SNAPSHOT_POLICY,
				manifest: () => this.#manifest,
				current: () => this.#current(),
				onSettled: () => this.#notifyIdle(),
			},
			stored,
			snapshotGeneration,
		);
		// The browser closed the store's connection: if it deleted the store, the save finds out and
		// saves everything again, before a reload could find it empty.
		this.#unwatch = options.store.watchLoss?.(() => this.#probe()) ?? (() => {});
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
			notice: this.#notice,
		};
	}

	get fenced(): AppError | null {
		return this.#fenced;
	}

	/**
	 * Resolves once no save is pending: everything acknowledged or asked for so far is durable. Rejects
	 * as soon as a save fails (the writes stay pending and are retried), so a caller that must not wait
	 * for ever, as an update's reload, learns why.
	 */
	async flushed(): Promise<void> {
		if (this.#fenced) throw this.#fenced;
		if (!this.#pending()) return;
		if (this.#lastError) throw AppError.fromWire(this.#lastError);
		await new Promise<void>((resolve, reject) => {
			this.#flushes.push(reject);
			this.persist().then(resolve, reject);
		});
	}

	/** Resolves once everything committed so far is durable, waiting through failed saves and retries. */
	async durable(): Promise<void> {
		if (this.#fenced) throw this.#fenced;
		if (this.#pending()) await this.persist();
	}

	#pending(): boolean {
		return this.#waiters.length > 0 || this.#inFlight.length > 0;
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
						false,
					);
				} catch (error) {
					if (error instanceof AppError && error.code === 'stale-writer') {
						this.#fence(error);
						return;
					}
					if (error instanceof AppError && error.code === 'storage-lost') {
						this.#storageLost(error);
						// At once the first time; should it vanish again and again, as any failure.
						if (attempt > 0) await this.#retryAfter(attempt);
						attempt++;
						continue;
					}
					// Quota errors keep their code: the UI tells the person to free space, not just "failed".
					const failure = toWireError(error);
					if (failure.code === 'quota-exceeded' && (await this.#dropSnapshot())) continue;
					this.#lastError = failure;
					this.#emit();
					for (const fail of this.#flushes.splice(0)) fail(AppError.fromWire(this.#lastError));
					await this.#retryAfter(attempt++);
					continue;
				}
				attempt = 0;
				this.#lastError = null;
				this.#flushes = [];
				for (const waiter of this.#inFlight.splice(0)) waiter.resolve();
				this.#emit();
				this.#snapshots.schedule();
			}
		} finally {
			this.#running = false;
			this.#scheduleCheckpoint();
			this.#notifyIdle();
		}
	}

	/**
	 * Once a few blocks are logged and no save is waiting, a checkpoint writes their chunks and empties
	 * the log, in the background: the log then stays short, and with it the root every save writes
	 * (plan.ts). It is a save like any other (a new generation, behind the same fence), but nobody
	 * waits for it: it is not reported as saving, and a failure leaves the log as it was.
	 */
	#scheduleCheckpoint(): void {
		const logged = this.#manifest?.logged.length ?? 0;
		if (logged < LOG_CHECKPOINT_BLOCKS || this.#checkpointTimer !== null) return;
		if (this.#fenced || this.#disposed) return;
		this.#checkpointTimer = setTimeout(() => {
			this.#checkpointTimer = null;
			void this.#checkpoint();
		}, 0);
	}

	async #checkpoint(): Promise<void> {
		if (this.#running || this.#waiters.length > 0 || this.#fenced || this.#disposed) {
			this.#notifyIdle();
			return;
		}
		this.#running = true;
		try {
			await this.#saveOnce('relaxed', true);
		} catch (error) {
			if (error instanceof AppError && error.code === 'stale-writer') this.#fence(error);
			if (error instanceof AppError && error.code === 'storage-lost') {
				this.#storageLost(error);
				// Nobody waits for a checkpoint, yet memory now holds the only copy: save it right after.
				void this.persist('strict').catch(() => {});
			}
		} finally {
			this.#running = false;
			// Writes that arrived meanwhile found a save running and left it to start theirs.
			if (this.#waiters.length > 0 && !this.#fenced) void this.#drain();
			else this.#notifyIdle();
		}
	}

	async #saveOnce(wanted: Durability, checkpoint: boolean): Promise<void> {
		const { source, store, chunkSize, writerId } = this.#options;
		const started = performance.now();
		const blocks = source.takeChanged();
		try {
			if (this.#lost) {
				// Only while it is empty: one another writer claimed meanwhile is theirs (stale-writer).
				await store.reclaim(writerId);
				this.#lost = false;
				// Saved from nothing, as a new database is: every chunk, under a new lineage.
				this.#manifest = null;
			}
			// The first image of a store is rare and precious.
			const durability = this.#manifest === null ? 'strict' : wanted;
			const image = source.image();
			// A stored image keeps the chunk size it was written with (planSave reuses it), so the changed
			// chunks are counted in that size, not in the configured one.
			const candidates = blocks && chunksOfBlocks(blocks, this.#manifest?.chunkSize ?? chunkSize);
			const plan = planSave(image, this.#manifest, candidates, {
				chunkSize,
				writerId,
				now: (this.#options.now ?? Date.now)(),
				blocks,
				checkpoint,
				...this.#options.meta(),
			});
			// A writer that never pauses never has a quiet moment for a snapshot: once one is long overdue,
			// copy the image this save stores (export() already is a copy) and write it if the save commits.
			const capture = this.#snapshots.overdue()
				? source.kind === 'export'
					? image
					: image.slice()
				: null;
			await store.commit(plan, this.generation, durability);
			this.#manifest = plan.manifest;
			this.#snapshots.saved(plan);
			if (capture) void this.#snapshots.write(() => snapshotOf(plan.manifest, capture));
			// The snapshot is written in the background and is not part of the save's latency.
			if (!checkpoint) this.#options.onSaved?.(performance.now() - started);
		} catch (error) {
			if (blocks) source.restoreChanged(blocks);
			throw error;
		}
	}

	/**
	 * Writes a snapshot of the last saved generation now, if the file is exactly that generation.
	 * Resolves with whether one was written.
	 */
	snapshot(): Promise<boolean> {
		return this.#snapshots.write(() => this.#current());
	}

	/** The snapshot of the last saved generation, when the file is exactly that and no save is due. */
	#current(): Snapshot | null {
		const manifest = this.#manifest;
		const { source } = this.#options;
		if (!manifest || this.#running || this.#waiters.length > 0 || !source.isClean()) return null;
		return snapshotOf(manifest, source.image());
	}

	/**
	 * Deletes the stored snapshot to make room, once, and takes no more: one would fill the space again.
	 * Resolves with whether there was one to delete (then the save is worth retrying at once).
	 */
	async #dropSnapshot(): Promise<boolean> {
		if (this.#snapshotDropped) return false;
		this.#snapshotDropped = true;
		this.#snapshots.stop();
		try {
			return (await this.#options.store.dropSnapshot?.()) ?? false;
		} catch {
			return false;
		}
	}

	#storageLost(error: AppError): void {
		this.#lost = true;
		this.#notice = error.toWire();
		this.#emit();
	}

	/** Saves at once (nothing new, if nothing changed): a vanished store is found and saved again. */
	#probe(): void {
		if (this.#fenced || this.#disposed || !this.#manifest) return;
		void this.persist('strict').catch(() => {});
	}

	/**
	 * For a persister whose database was swapped out with nothing pending: it takes no more snapshots
	 * (its file is closed, and a newer persister now owns the store).
	 */
	/**
	 * Retries a failed save now instead of after its backoff: the page is being hidden or closed (the
	 * person switched away, or the tab is closing), so this may be the last chance to save.
	 */
	hurry(): void {
		this.#retry.hurry();
	}

	#retryAfter(attempt: number): Promise<void> {
		return this.#retry.wait((this.#options.backoff ?? defaultBackoff)(attempt));
	}

	dispose(): void {
		this.#disposed = true;
		this.#unwatch();
		this.#snapshots.stop();
		if (this.#checkpointTimer !== null) clearTimeout(this.#checkpointTimer);
		this.#checkpointTimer = null;
	}

	/** Resolves when no save or checkpoint is running or queued and no snapshot is being written. */
	whenIdle(): Promise<void> {
		if (this.#isIdle()) return Promise.resolve();
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	#isIdle(): boolean {
		return (
			!this.#running &&
			this.#waiters.length === 0 &&
			!this.#snapshots.writing &&
			this.#checkpointTimer === null
		);
	}

	#notifyIdle(): void {
		if (!this.#isIdle()) return;
		for (const resolve of this.#idleWaiters.splice(0)) resolve();
	}

	#fence(error: AppError): void {
		this.#fenced = error;
		this.#snapshots.stop();
		if (this.#checkpointTimer !== null) clearTimeout(this.#checkpointTimer);
		this.#checkpointTimer = null;
		for (const waiter of [...this.#inFlight.splice(0), ...this.#waiters.splice(0)])
			waiter.reject(error);
		this.#emit();
	}

	#emit(): void {
		this.#options.onStatus?.(this.status());
	}
}
