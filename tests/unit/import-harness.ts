/**
 * The import tests' live database and what they compare: a LiveDatabase in memory with two monitors of
 * its own, a fingerprint of everything an import could touch, and the import's checks run in this
 * thread (the browser runs them in a worker of their own).
 */
import type { TaskProgress } from '../../src/shared/backups';
import { AppError } from '../../src/shared/errors';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import {
	checkUntrustedImage,
	type UntrustedCheckOptions,
} from '../../src/worker/core/integrity/untrusted';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { inspectImport, type UntrustedCheck } from '../../src/worker/domain/import/session';
import { loadSql, realMigrations, sha256 } from './helpers';

export interface Harness {
	db: LiveDatabase;
	store: MemoryImageStore;
	backups: MemoryBackupStore;
	changed: string[][];
	progress: TaskProgress[];
}

export async function live(store = new MemoryImageStore()): Promise<Harness> {
	const backups = new MemoryBackupStore();
	const changed: string[][] = [];
	const progress: TaskProgress[] = [];
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		store,
		backups,
		files: await realMigrations(),
		writerId: 'test',
		chunkSize: 4096,
		onChanged: (tables) => changed.push(tables),
		onProgress: (p) => progress.push(p),
	});
	for (const name of db.readOnly ? [] : ['Kept one', 'Kept two']) {
		await db.write(() =>
			db.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at, headers)
				 VALUES (?, 'http://127.0.0.2:9/', 60, 1000, 5, 7, '{"Authorization":"Bearer s3cret"}')`,
				[name],
			),
		);
	}
	return { db, store, backups, changed, progress };
}

/** Everything an import could touch: the live file, the stored file, the backups. */
export async function fingerprint(h: Harness): Promise<string> {
	const stored = await h.store.load();
	const backups = await h.backups.list();
	return [
		sha256(h.db.engine.db.export()),
		stored ? sha256(stored.image) : 'none',
		h.store.commits,
		JSON.stringify(backups),
	].join('|');
}

/** The import's checks in this thread, as the browser runs them in a worker of their own. */
export function inlineCheck(overrides: Partial<UntrustedCheckOptions> = {}): UntrustedCheck {
	return async (image, options) =>
		checkUntrustedImage(await loadSql(), image, await realMigrations(), {
			...options,
			...overrides,
		});
}

export function inspect(
	db: LiveDatabase,
	file: { bytes: Uint8Array; name: string },
	check = inlineCheck(),
) {
	return inspectImport(db, file, check);
}

export async function refused(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected an AppError');
}
