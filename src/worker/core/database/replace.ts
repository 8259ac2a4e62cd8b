/**
 * Swapping a whole other file in for the live database (a restored backup, an import) without ever
 * leaving a half state: check and migrate it on a scratch copy, back up the current database, save the
 * new file in one atomic strict commit, and only then make it live.
 */
import type { BackupInfo, BackupReason } from '../../../shared/backups';
import { AppError, isQuotaError, type ErrorCode } from '../../../shared/errors';
import { Engine } from '../engine';
import { DEFAULT_CHUNK_SIZE, type Manifest } from '../persistence/chunks';
import { planSave } from '../persistence/plan';
import { loadBackup } from '../backups/backups';
import { backUp, backupStoreOf } from './backups';
import type { LiveState } from './live-state';
import { prepareImage } from './prepare-image';

/** What `replace()` is given the new file for, and how to name it in messages. */
export interface ReplaceOptions {
	/** The reason recorded on the backup of the current database. */
	reason: BackupReason;
	detail?: string | null;
	/** "This backup", "This file": names the incoming file in error messages. */
	subject: string;
	/** The error code for an incoming file that fails SQLite's consistency check. */
	corrupt: ErrorCode;
	/** The task its progress is reported as; `restore` unless said otherwise. */
	task?: 'restore' | 'import';
	/** The incoming file's passphrase, to carry its encrypted secrets over (imports from another device). */
	passphrase?: string | null;
	/**
	 * The new file is a changed copy of the live one (a merge): its secrets already are under this
	 * device's protection and the vault's, so they are neither adopted nor reopened.
	 */
	keepSecrets?: boolean;
}

/**
 * Swaps in another database file and announces every table as changed. A failure at any step leaves
 * the live database and its storage exactly as they were. Resolves with the backup of the previous
 * database. Must run exclusively (`LiveState.exclusively`).
 *
 * Given an `Engine`, the file was already checked and migrated (`prepareImage`, as an import does
 * before asking the person to confirm); the swap then owns it, and closes it if the swap fails.
 */
export async function replaceWith(
	live: LiveState,
	image: Uint8Array | Engine,
	options: ReplaceOptions,
): Promise<BackupInfo> {
	const { SQL, files } = live.options;
	const task = options.task ?? 'restore';
	let next: Engine | null = image instanceof Engine ? image : null;
	try {
		const saving = live.persister.status();
		if (saving.state === 'error') {
			throw new AppError(
				'save-failed',
				`Saving to the browser storage is failing right now (${saving.error ?? 'unknown error'}), so nothing was replaced.`,
			);
		}
		if (!next) {
			live.progress(task, `Checking ${options.subject.toLowerCase()}`, null);
			next = prepareImage(SQL, image as Uint8Array, files, {
				subject: options.subject,
				corrupt: options.corrupt,
				now: live.options.now,
			}).engine;
		}
		const adopted = options.keepSecrets
			? null
			: await live.options.secrets?.adopt(next, live.engine, options.passphrase ?? null);
		const safety = await backUp(live, options.reason, options.detail ?? null, task);
		live.progress(task, `Saving the ${task === 'import' ? 'imported' : 'restored'} database`, null);
		// Everything committed so far is saved first, so the stored generation is the one we replace.
		if (live.persister.status().pending > 0) await live.persister.persist();
		const manifest = await commitWhole(live, next);

		const tables = live.swapIn(next, manifest, null);
		next = null;

		if (!options.keepSecrets) await live.options.secrets?.afterSwap(live.engine, adopted);
		live.options.onSave?.(live.persister.status());
		live.options.onPhase?.({ phase: 'ready', readOnly: false, role: 'owner' });
		live.announce(tables);
		return safety;
	} finally {
		next?.db.close();
	}
}

/** One commit of a whole file, strict, outside the persister: no retry can land it later. */
async function commitWhole(live: LiveState, engine: Engine): Promise<Manifest> {
	const { options, persister } = live;
	const plan = planSave(engine.db.export(), persister.manifest, null, {
		chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
		writerId: options.writerId,
		now: live.now(),
		pageSize: Number(engine.value('PRAGMA page_size')),
		schemaVersion: Number(engine.value('PRAGMA user_version')),
	});
	try {
		await options.store.commit(plan, persister.generation, 'strict');
	} catch (error) {
		if (error instanceof AppError) throw error;
		if (isQuotaError(error)) throw new AppError('quota-exceeded');
		throw new AppError('save-failed', undefined, { cause: String(error) });
	}
	return plan.manifest;
}

/** Replaces the database with a backup, after backing up the current state. */
export function restoreBackup(
	live: LiveState,
	id: number,
): Promise<{ restored: BackupInfo; safety: BackupInfo }> {
	const backups = backupStoreOf(live);
	return live.exclusively(async () => {
		const step = 'Reading the backup';
		live.progress('restore', step, 0);
		const { info, image } = await loadBackup(backups, id, (f) => live.progress('restore', step, f));
		const safety = await replaceWith(live, image, {
			reason: 'before-restore',
			detail: `of backup #${info.id}`,
			subject: 'This backup',
			corrupt: 'backup-corrupt',
		});
		return { restored: info, safety };
	});
}
