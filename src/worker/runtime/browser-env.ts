/** What health measures with in a browser worker: wasm memory, the storage estimate, a checking worker. */
import { loadSqlJs, wasmMemoryBytes } from '../core/sqljs';
import { checkImage, checkImageInWorker } from '../core/integrity/integrity';
import type { HealthEnv } from '../domain/health/service';

async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
	const storage = (navigator as Navigator & { storage?: StorageManager }).storage;
	if (!storage?.estimate) return null;
	const { usage, quota } = await storage.estimate();
	return usage !== undefined && quota !== undefined ? { usage, quota } : null;
}

export function browserHealthEnv(now: () => number): HealthEnv {
	return {
		now,
		wasmBytes: wasmMemoryBytes,
		storage: storageEstimate,
		// Nested workers exist in every browser Monitor supports; without one the check runs here.
		checkIntegrity: (image) =>
			typeof Worker === 'function'
				? checkImageInWorker(image)
				: loadSqlJs().then((SQL) => checkImage(SQL, image)),
		sql: loadSqlJs,
	};
}
