/**
 * Opening the live database: claim storage, read the stored image (sql.js compiles and the migrations
 * are hashed meanwhile), open an engine on it, back up and migrate. Also the check of a file opened
 * from the cold-open snapshot, and the reopen from the chunk records should that check fail.
 */
import type { BackupInfo } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import { describeEngine, saveBackup } from '../backups/backups';
import { sha256Bytes } from '../backups/codec';
import { openEngine, warmUp } from '../connection';
import type { Engine } from '../engine';
import type { DatabaseHealth } from '../metrics/recorder';
import { assertWritable, inspect, migrate } from '../migrations/runner';
import { DEFAULT_CHUNK_SIZE, firstMismatch, type Manifest } from '../persistence/chunks';
import type { StoredImage } from '../persistence/image-store';
import { imageSourceFor } from '../persistence/image-source';
import { markOpen } from '../persistence/marks';
import { Persister } from '../persistence/persister';
import type { LiveState } from './live-state';
import type { MigrationRun, OpenGiven, OpenOptions } from './options';

/** An engine opened on a stored image, with what its migration ledger said. */
export interface Opened {
	engine: Engine;
	readOnly: AppError | null;
	migrated: boolean;
	/** The image it was opened from, after any reread. */
	stored: StoredImage | null;
}

/**
 * Claims storage and reads it while sql.js compiles (and warms up, see `warmUp`) and the migrations
 * are hashed, then opens and migrates (`prepareStored`). A current snapshot is read without hashing
 * every chunk first: `stored.unverified` lists what the caller must check before anything is saved.
 */
export async function openStored(
	given: OpenGiven,
): Promise<{ options: OpenOptions; opened: Opened }> {
	const { store } = given;
	markOpen('start');
	// Claim before loading: a previous owner's last save then lands before the claim (and is loaded
	// here) or is refused after it. Nothing is ever saved over a generation this owner has not seen.
	const loading = store.claim(given.writerId).then(() => store.load({ deferSnapshotCheck: true }));
	const [SQL, files, stored] = await Promise.all([
		typeof given.SQL === 'function' ? given.SQL().then(warmUp) : given.SQL,
		given.files,
		loading,
	]);
	markOpen('stored');
	const options: OpenOptions = { ...given, SQL, files };
	return { options, opened: await prepareStored(options, stored) };
}

/**
 * Opens an engine on `stored` (keeping its bytes as the file, no copy), reads the migration ledger and
 * migrates. A migration writes, so unchecked snapshot chunks are checked before one runs; if they do
 * not match, the image is read again from the chunk records.
 */
export async function prepareStored(
	options: OpenOptions,
	given: StoredImage | null,
): Promise<Opened> {
	const { SQL, files } = options;
	let stored = given;
	let engine = openEngine(SQL, stored?.image, { adopt: true });
	markOpen('engine');
	const report = inspect(engine, files);
	markOpen('inspected');
	if (report.verdict === 'pending' && stored && stored.unverified.length > 0) {
		if (firstMismatch(stored.manifest, stored.image, stored.unverified) !== -1) {
			engine.db.close();
			return prepareStored(options, await options.store.load());
		}
		stored = { ...stored, unverified: [] };
	}

	let readOnly: AppError | null = null;
	let migrated = false;
	try {
		assertWritable(report);
		if (report.verdict === 'pending') {
			// The engine writes into the stored bytes it adopted: keep the file as it was, for the
			// backup and for going back to it if a migration fails.
			const original = stored?.image.slice();
			const backup = original ? await backUpBeforeMigration(options, engine, original) : null;
			try {
				const applied = migrate(engine, files, {
					now: options.now,
					onProgress: (file, index, total) =>
						options.onPhase?.({ phase: 'migrating', file: file.filename, index, total }),
				});
				tellMigrated(options, engine, {
					fromVersion: report.dbSchemaVersion,
					applied,
					backupId: backup?.id ?? null,
				});
			} catch (error) {
				if (error instanceof AppError && error.code === 'migration-failed') {
					// Earlier files of this run may have committed in memory; go back to exactly what was stored.
					engine.db.close();
					engine = openEngine(SQL, original, { adopt: true });
				}
				throw explainMigrationFailure(error, report.dbSchemaVersion, backup);
			}
			migrated = true;
		}
	} catch (error) {
		if (!(error instanceof AppError)) throw error;
		readOnly = error;
		if (error.code === 'migration-failed' && !stored) throw error;
	}
	return { engine, readOnly, migrated, stored };
}

/** The migrations are applied and kept whatever happens here: a line missing from the log is all. */
function tellMigrated(options: OpenOptions, engine: Engine, run: MigrationRun): void {
	try {
		options.onMigrated?.(engine, run);
	} catch (error) {
		console.warn('The activity log could not record the migrations:', error);
	}
}

/** The persister that saves `engine`, from the stored `manifest` on. */
export function persisterFor(
	options: OpenOptions,
	engine: Engine,
	stored: Manifest | null,
	health: DatabaseHealth,
	snapshotGeneration: number | null = null,
): Persister {
	return new Persister(
		{
			store: options.store,
			// The tracked source when the build hooked sql.js, else export-and-compare (image-source.ts).
			source: (options.imageSource ?? imageSourceFor)(engine.db),
			chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
			writerId: options.writerId,
			meta: () => ({
				pageSize: Number(engine.value('PRAGMA page_size')),
				schemaVersion: Number(engine.value('PRAGMA user_version')),
			}),
			onStatus: options.onSave,
			onSaved: (ms) => health.saved(ms),
			now: options.now,
			...(options.backoff ? { backoff: options.backoff } : {}),
			...(options.snapshots !== undefined ? { snapshots: options.snapshots } : {}),
		},
		stored,
		snapshotGeneration,
	);
}

/**
 * Checks the chunks a cold open took from the snapshot, a slice at a time so queries are answered in
 * between. A mismatch means the snapshot was not what its generation stored (a cache gone bad): the
 * database is reopened from the chunk records, which are the truth, and every window rereads every
 * table. Nothing read from the bad image was saved or left the worker.
 */
export async function checkSnapshot(live: LiveState, stored: StoredImage): Promise<void> {
	const bad = await firstMismatchInSlices(stored.manifest, stored.image, stored.unverified);
	if (bad !== -1) await reopenFromChunks(live);
}

async function reopenFromChunks(live: LiveState): Promise<void> {
	const { options } = live;
	const wasReadOnly = live.readOnly !== null;
	let opened: Opened;
	try {
		opened = await prepareStored(options, await options.store.load());
	} catch (error) {
		live.readOnly =
			error instanceof AppError
				? error
				: new AppError('storage-corrupt', undefined, { cause: String(error) });
		live.engine.exec('PRAGMA query_only = ON');
		options.onPhase?.({ phase: 'ready', readOnly: true, role: 'owner' });
		return;
	}
	const tables = live.swapIn(opened.engine, opened.stored?.manifest ?? null, opened.readOnly);
	if (opened.migrated) await live.persister.persist('strict');
	options.onSave?.(live.persister.status());
	if (wasReadOnly !== (opened.readOnly !== null)) {
		options.onPhase?.({ phase: 'ready', readOnly: opened.readOnly !== null, role: 'owner' });
	}
	live.announce(tables);
}

/** Chunks per slice of the background check: about 2 MB, a millisecond or two of hashing. */
const CHECK_SLICE = 64;

async function firstMismatchInSlices(
	manifest: Manifest,
	image: Uint8Array,
	indices: readonly number[],
): Promise<number> {
	for (let from = 0; from < indices.length; from += CHECK_SLICE) {
		const bad = firstMismatch(manifest, image, indices.slice(from, from + CHECK_SLICE));
		if (bad !== -1) return bad;
		await nextTask();
	}
	return -1;
}

/** A new task, without the 4 ms clamp nested timers get: queued calls run in between. */
function nextTask(): Promise<void> {
	return new Promise((resolve) => {
		const { port1, port2 } = new MessageChannel();
		port1.onmessage = () => {
			port1.close();
			resolve();
		};
		port2.postMessage(null);
	});
}

/** The stored file is backed up before its first migration; without a backup, nothing is migrated. */
async function backUpBeforeMigration(
	options: OpenOptions,
	engine: Engine,
	image: Uint8Array,
): Promise<BackupInfo | null> {
	if (!options.backups) return null;
	const pending = inspect(engine, options.files).entries.filter((e) => e.state === 'pending');
	const first = pending[0]?.filename ?? null;
	try {
		options.onProgress?.({
			task: 'backup',
			step: 'Backing up before updating the database',
			fraction: null,
		});
		// A migration that failed at the last start is retried at this one; the file it would back up
		// is the same, and a fresh copy each time would push other backups out of retention.
		const sha256 = await sha256Bytes(image);
		const same = (await options.backups.list()).find(
			(b) => b.reason === 'before-migration' && b.sha256 === sha256,
		);
		if (same) return same;
		return await saveBackup(
			options.backups,
			{ image, ...describeEngine(engine) },
			'before-migration',
			first,
			{ now: options.now },
		);
	} catch (error) {
		const why = error instanceof AppError ? error.message : String(error);
		throw new AppError(
			'backup-failed',
			`Monitor could not back up the database before updating it (${why}), so it did not update it. ` +
				`The database is open read-only on schema version ${describeEngine(engine).schemaVersion}.`,
			{ cause: error instanceof AppError ? error.code : why },
		);
	} finally {
		options.onProgress?.({ task: null, step: '', fraction: null });
	}
}

function explainMigrationFailure(
	error: unknown,
	schemaVersion: number,
	backup: BackupInfo | null,
): unknown {
	if (!(error instanceof AppError) || error.code !== 'migration-failed') return error;
	const { filename, sqliteMessage } = (error.detail ?? {}) as {
		filename?: string;
		sqliteMessage?: string;
	};
	const reason = sqliteMessage ?? error.message;
	const kept = backup
		? ` A backup from before the update (#${backup.id}) is listed under Backups on the Database page.`
		: '';
	return new AppError(
		'migration-failed',
		`Updating the database failed in ${filename ?? 'a migration'}: ${reason}. Nothing was changed: the database stays on ` +
			`schema version ${schemaVersion} and is open read-only.${kept}`,
		{ ...error.detail, backupId: backup?.id ?? null },
	);
}
