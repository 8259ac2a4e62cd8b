/**
 * What health measures with in a browser worker (wasm memory, the storage estimate, a checking worker),
 * and where an import's file is checked.
 */
import { bundledMigrations } from '../core/migrations/bundled';
import { loadSqlJs, wasmMemoryBytes } from '../core/sqljs';
import { checkImage, checkImageInWorker } from '../core/integrity/integrity';
import { checkUntrustedImage, checkUntrustedInWorker } from '../core/integrity/untrusted';
import type { HealthEnv } from '../domain/health/service';
import type { UntrustedCheck } from '../domain/import/session';

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

/** A file to import is checked in a worker of its own (here only where a browser has no nested workers). */
export const checkImportedFile: UntrustedCheck = (image, options) =>
	typeof Worker === 'function'
		? checkUntrustedInWorker(image, options)
		: Promise.all([loadSqlJs(), bundledMigrations()]).then(([SQL, files]) =>
				checkUntrustedImage(SQL, image, files, options),
			);
