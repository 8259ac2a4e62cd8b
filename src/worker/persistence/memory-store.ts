/**
 * An ImageStore in memory, with the same atomicity and fence as IndexedDB. It backs the Node unit
 * tests and the command line's dry runs; the persistence contract suite runs against it and IndexedDB.
 */
import { AppError } from '../../shared/errors';
import { assemble, type Manifest, type SavePlan } from './chunks';
import type { ImageStore, StoredImage } from './idb-store';

export class MemoryImageStore implements ImageStore {
	#manifest: Manifest | null = null;
	#chunks = new Map<number, Uint8Array>();
	#lease: string | null = null;
	/** Set to make the next commits fail, to exercise retries. */
	failNext: Error[] = [];
	commits = 0;

	claim(writerId: string): Promise<void> {
		this.#lease = writerId;
		return Promise.resolve();
	}

	readManifest(): Promise<Manifest | null> {
		return Promise.resolve(this.#manifest && structuredClone(this.#manifest));
	}

	load(): Promise<StoredImage | null> {
		const manifest = this.#manifest;
		if (!manifest) return Promise.resolve(null);
		const chunks = Array.from(
			{ length: manifest.chunkCount },
			(_, i) => this.#chunks.get(i) ?? new Uint8Array(),
		);
		return Promise.resolve({
			manifest: structuredClone(manifest),
			image: assemble(manifest, chunks),
		});
	}

	async commit(plan: SavePlan, expectedGeneration: number): Promise<void> {
		await Promise.resolve();
		const failure = this.failNext.shift();
		if (failure) throw failure;
		const generation = this.#manifest?.generation ?? 0;
		const holder = this.#lease ?? plan.manifest.writerId;
		if (generation !== expectedGeneration || holder !== plan.manifest.writerId) {
			throw new AppError('stale-writer', undefined, {
				expectedGeneration,
				storedGeneration: generation,
				leaseHolder: holder,
			});
		}
		for (const write of plan.writes) this.#chunks.set(write.index, write.bytes.slice());
		for (const index of [...this.#chunks.keys()])
			if (index >= plan.deleteFrom) this.#chunks.delete(index);
		this.#manifest = structuredClone(plan.manifest);
		this.commits++;
	}
}
