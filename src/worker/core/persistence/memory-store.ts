/**
 * An ImageStore in memory, with the same atomicity, fence and snapshot logic as IndexedDB. It backs the
 * Node unit tests; the contract suites (tests/contract) run against it and IndexedDB alike.
 */
import { AppError } from '../../../shared/errors';
import {
	applyLog,
	assemble,
	assembleWithSnapshot,
	chunksNewerThan,
	snapshotChunks,
	type LogBlock,
	type Manifest,
	type Snapshot,
} from './chunks';
import { type SavePlan } from './plan';
import type { ImageStore, LoadOptions, StoredImage } from './image-store';

export class MemoryImageStore implements ImageStore {
	#manifest: Manifest | null = null;
	#chunks = new Map<number, Uint8Array>();
	/** The block log, kept apart from the chunk records as IndexedDB's store keeps it in the manifest. */
	#log: LogBlock[] = [];
	#snapshot: Snapshot | null = null;
	#lease: string | null = null;
	/** Writers that claimed this storage: each would know it had (IndexedDB's store keeps that itself). */
	readonly #claimed = new Set<string>();
	readonly #lossListeners = new Set<() => void>();
	/** Set to make the next commits fail, to exercise retries. */
	failNext: Error[] = [];
	commits = 0;
	snapshots = 0;

	claim(writerId: string): Promise<void> {
		this.#lease = writerId;
		this.#claimed.add(writerId);
		return Promise.resolve();
	}

	async reclaim(writerId: string): Promise<void> {
		await Promise.resolve();
		if (this.#lease !== null || this.#manifest !== null) {
			throw new AppError('stale-writer', undefined, { leaseHolder: this.#lease });
		}
		await this.claim(writerId);
	}

	readManifest(): Promise<Manifest | null> {
		return Promise.resolve(this.#manifest && structuredClone(this.#manifest));
	}

	load({ deferSnapshotCheck = false }: LoadOptions = {}): Promise<StoredImage | null> {
		const manifest = this.#manifest && structuredClone(this.#manifest);
		if (!manifest) return Promise.resolve(null);
		const snapshot = this.#snapshot;
		const wanted = chunksNewerThan(manifest, snapshot);
		if (snapshot && wanted) {
			const newer = this.#records(manifest, wanted);
			try {
				// A copy, as IndexedDB hands out: assembling patches the snapshot's buffer in place.
				const copy = { ...snapshot, bytes: snapshot.bytes.slice() };
				const image = assembleWithSnapshot(manifest, copy, newer, {
					checkSnapshot: !deferSnapshotCheck,
				});
				return Promise.resolve({
					manifest,
					image,
					snapshotGeneration: snapshot.generation,
					chunksRead: newer.size,
					unverified: deferSnapshotCheck ? snapshotChunks(manifest, newer) : [],
				});
			} catch {
				// Ignored, as IndexedDB's store does: the chunks are the truth.
			}
		}
		const records = this.#records(
			manifest,
			Array.from({ length: manifest.chunkCount }, (_, i) => i),
		);
		const chunks = Array.from({ length: manifest.chunkCount }, (_, i) => records.get(i)!);
		return Promise.resolve({
			manifest,
			image: assemble(manifest, chunks),
			snapshotGeneration: null,
			chunksRead: chunks.length,
			unverified: [],
		});
	}

	async commit(plan: SavePlan, expectedGeneration: number): Promise<void> {
		await Promise.resolve();
		const failure = this.failNext.shift();
		if (failure) throw failure;
		const me = plan.manifest.writerId;
		if (this.#lease === null && this.#claimed.has(me)) throw new AppError('storage-lost');
		const generation = this.#manifest?.generation ?? 0;
		const holder = this.#lease ?? me;
		if (generation !== expectedGeneration || holder !== plan.manifest.writerId) {
			throw new AppError('stale-writer', undefined, {
				expectedGeneration,
				storedGeneration: generation,
				leaseHolder: holder,
			});
		}
		for (const write of plan.writes) this.#chunks.set(write.index, write.bytes.slice());
		this.#log = plan.log.map(({ block, bytes }) => ({ block, bytes: bytes.slice() }));
		for (let index = plan.deleteFrom; index < plan.deleteTo; index++) this.#chunks.delete(index);
		this.#manifest = structuredClone(plan.manifest);
		// As IndexedDB's store keeps its lease record with every commit: a first writer that never claimed
		// holds the store from then on.
		this.#lease = plan.manifest.writerId;
		this.commits++;
	}

	async writeSnapshot(take: () => Snapshot | null): Promise<boolean> {
		await Promise.resolve();
		const snapshot = take();
		if (!snapshot) return false;
		// A copy, as IndexedDB's put() makes one: `take` may return a live view.
		this.#snapshot = { ...snapshot, bytes: snapshot.bytes.slice(0, snapshot.byteLength) };
		this.snapshots++;
		return true;
	}

	dropSnapshot(): Promise<boolean> {
		const had = this.#snapshot !== null;
		this.#snapshot = null;
		return Promise.resolve(had);
	}

	/** Copies of the records `indices` as stored, with the logged blocks laid over them. */
	#records(manifest: Manifest, indices: readonly number[]): Map<number, Uint8Array> {
		const records = new Map(
			indices.map((i) => [i, this.#chunks.get(i)?.slice() ?? new Uint8Array()] as const),
		);
		applyLog(manifest, this.#log, records);
		return records;
	}

	watchLoss(listener: () => void): () => void {
		this.#lossListeners.add(listener);
		return () => this.#lossListeners.delete(listener);
	}

	/**
	 * For tests: the browser deleted the storage under the open app (site data cleared, or evicted),
	 * and closed the connections to it, which `watchLoss` hears of (as IndexedDB's store does).
	 */
	vanish(): void {
		this.#manifest = null;
		this.#chunks = new Map();
		this.#log = [];
		this.#snapshot = null;
		this.#lease = null;
		for (const listener of this.#lossListeners) listener();
	}

	/** For tests: the stored block log. */
	get log(): readonly LogBlock[] {
		return this.#log;
	}

	/** For tests: replaces or removes the stored snapshot. */
	setSnapshot(snapshot: Snapshot | null): void {
		this.#snapshot = snapshot;
	}

	/** For tests: the stored snapshot, to inspect or damage. */
	get snapshot(): Snapshot | null {
		return this.#snapshot;
	}

	/** For tests: the stored chunk records. */
	get chunkRecords(): ReadonlyMap<number, Uint8Array> {
		return this.#chunks;
	}
}
