/**
 * When the cold-open snapshot (a copy of the whole file at one saved generation, see chunks.ts) is
 * written again. Once enough chunks changed since the last one, a new one is written when the writer is
 * quiet and the file is exactly the last saved generation; a writer that never pauses gets one captured
 * with a save once it is long overdue. It never delays a write's acknowledgement, and its failure costs
 * nothing but a slower next cold open.
 */
import type { Manifest, Snapshot } from './chunks';
import type { ImageStore } from './image-store';
import type { SavePlan } from './plan';

export interface SnapshotPolicy {
	/** Refresh once this many chunks, or this share of all chunks (whichever is more), changed since. */
	minChunks: number;
	share: number;
	/** ...and no save happened for this long (a busy writer is not held up by a large write). */
	quietMs: number;
	/** ...and the last refresh of this session is at least this old: each copies and writes the whole file. */
	minIntervalMs: number;
	/**
	 * A writer that never pauses gets its snapshot once four times the threshold changed, and at least
	 * this many chunks: until then a cold open reads the newer chunk records (~0.1 ms each, so 256 cost
	 * ~30 ms), which is cheaper than copying the whole file and writing it again while the writer works.
	 */
	overdueMinChunks: number;
}

/**
 * At 50 MB with 16 KiB chunks: after 5% of the file (2.5 MB, 160 chunks) changed, in the first 300 ms
 * without a save, and at most once a minute. A cold open then reads at most ~160 chunk records besides
 * the snapshot (~0.1 ms each); a busy writer that never pauses gets its snapshot anyway once four times
 * that changed. At 10 MB the share alone copied and wrote the file three times during 100 single writes
 * (52-59 ms each, in the background, yet it showed in their p95); the 256-chunk floor lets a cold open read
 * at most ~30 ms of chunk records instead. 200 monitors every 30 s touch pages all over a 50 MB file:
 * with 2% and no spacing the whole file was copied and written every 6.7 s (27 times in 3 minutes, a
 * tenth of the worker's CPU and 1.3 GB written by the browser); see tests/bench/results/README.md.
 */
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = {
	minChunks: 8,
	share: 0.05,
	quietMs: 300,
	minIntervalMs: 60_000,
	overdueMinChunks: 256,
};

export interface SnapshotRefreshOptions {
	store: ImageStore;
	/** false: never. */
	policy: SnapshotPolicy | false;
	/** The last saved manifest. */
	manifest: () => Manifest | null;
	/** The snapshot of the last saved generation, or null when the file is not exactly that right now. */
	current: () => Snapshot | null;
	/** Told when a snapshot write ends (the persister may have become idle). */
	onSettled: () => void;
}

export class SnapshotRefresh {
	readonly #o: SnapshotRefreshOptions;
	/** Chunks written after the stored snapshot's generation (every chunk when there is none). */
	readonly #since = new Set<number>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	#writing: Promise<boolean> | null = null;
	#stopped = false;
	/** When this session last wrote a snapshot (performance.now()), or null. */
	#lastWriteAt: number | null = null;

	/** `snapshotGeneration`: the generation of the snapshot `stored` was loaded with, if any. */
	constructor(
		options: SnapshotRefreshOptions,
		stored: Manifest | null,
		snapshotGeneration: number | null,
	) {
		this.#o = options;
		if (stored) {
			stored.written.forEach((generation, index) => {
				if (snapshotGeneration === null || generation > snapshotGeneration) this.#since.add(index);
			});
			// A database opened without a current snapshot gets one even if nothing is written this session.
			this.schedule();
		}
	}

	/** Whether a snapshot is being written. */
	get writing(): boolean {
		return this.#writing !== null;
	}

	get #policy(): SnapshotPolicy | false {
		return this.#o.store.writeSnapshot ? this.#o.policy : false;
	}

	/** Counts the chunks a committed save changed. */
	saved(plan: SavePlan): void {
		for (const index of plan.changed) this.#since.add(index);
		for (const index of this.#since) {
			if (index >= plan.manifest.chunkCount) this.#since.delete(index);
		}
	}

	/**
	 * Whether a snapshot is so overdue that a save should capture the image it stores (a writer that
	 * never pauses never has a quiet moment for one).
	 */
	overdue(): boolean {
		const policy = this.#policy;
		const manifest = this.#o.manifest();
		if (!policy || !manifest || this.#writing || this.#stopped) return false;
		const overdue = Math.max(4 * threshold(policy, manifest), policy.overdueMinChunks);
		return this.#since.size >= overdue && this.#spacingLeft(policy) === 0;
	}

	/** Plans a refresh for the next quiet moment, once enough changed. */
	schedule(): void {
		const policy = this.#policy;
		const manifest = this.#o.manifest();
		if (!policy || !manifest || this.#writing || this.#stopped) return;
		const least = threshold(policy, manifest);
		const changed = Math.min(this.#since.size, manifest.chunkCount);
		if (changed < least) return;
		// Each save pushes the snapshot back, until four times the threshold changed.
		if (this.#timer !== null) {
			if (changed >= 4 * least) return;
			clearTimeout(this.#timer);
		}
		this.#timer = setTimeout(
			() => {
				this.#timer = null;
				void this.write(this.#o.current);
			},
			Math.max(policy.quietMs, this.#spacingLeft(policy)),
		);
	}

	/** How long until the last refresh is `minIntervalMs` old (0: it is, or there was none). */
	#spacingLeft(policy: SnapshotPolicy): number {
		if (this.#lastWriteAt === null) return 0;
		return Math.max(0, this.#lastWriteAt + policy.minIntervalMs - performance.now());
	}

	/**
	 * Writes the snapshot `take` returns, called synchronously right before the store copies the bytes,
	 * so no statement can run between checking the file and copying it. Resolves with whether one was
	 * written.
	 */
	async write(take: () => Snapshot | null): Promise<boolean> {
		const { store } = this.#o;
		if (!store.writeSnapshot || !this.#o.manifest()) return false;
		if (this.#stopped || this.#writing) return false;
		let covered: Set<number> | null = null;
		const written = store
			.writeSnapshot(() => {
				const snapshot = take();
				if (!snapshot) return null;
				// Chunks written after this generation stay counted (a captured image is older than them).
				covered = new Set<number>();
				const written = this.#o.manifest()?.written;
				for (const index of this.#since) {
					if ((written?.[index] ?? Infinity) <= snapshot.generation) {
						covered.add(index);
						this.#since.delete(index);
					}
				}
				return snapshot;
			})
			.then(
				(done) => {
					if (done) this.#lastWriteAt = performance.now();
					return done;
				},
				() => {
					for (const index of covered ?? []) this.#since.add(index);
					return false;
				},
			);
		this.#writing = written;
		try {
			return await written;
		} finally {
			this.#writing = null;
			this.#o.onSettled();
		}
	}

	/** No more snapshots: the file is closed or no longer this writer's. */
	stop(): void {
		this.#stopped = true;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}
}

function threshold(policy: SnapshotPolicy, manifest: Manifest): number {
	return Math.max(policy.minChunks, Math.ceil(policy.share * manifest.chunkCount));
}

/** The snapshot of `manifest`'s generation, holding `bytes`. */
export function snapshotOf(manifest: Manifest, bytes: Uint8Array): Snapshot {
	return {
		lineage: manifest.lineage,
		generation: manifest.generation,
		chunkSize: manifest.chunkSize,
		byteLength: bytes.length,
		bytes,
	};
}
