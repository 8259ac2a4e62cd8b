/**
 * Export and import of the database file, from wherever they start (the Database page, the keyboard
 * shortcut, a file dropped anywhere, a file the installed app was opened with).
 *
 * An import goes: read (here) -> check -> migrate (in the worker, on a scratch copy) -> confirm (the
 * person compares the current and incoming databases) -> save (backup, swap, persist). Until the
 * person confirms, nothing changes; any failure is shown in the import dialog with its own message.
 */
import type { DbClient } from '../client/db-client';
import { checkImportSize, readWholeFile, saveDatabaseFile } from '../client/files';
import { onLaunchFiles } from '../client/launch-queue';
import { AppError, type ErrorCode } from '../shared/errors';
import {
	cleanFilename,
	configurationFilename,
	exportFilename,
	type ImportPreview,
	type ImportStage,
} from '../shared/transfer';
import type { AccountState } from './account.svelte';
import type { BackupsState } from './backups.svelte';
import { MergeImportState } from './merge-import.svelte';
import { describeError, notices, reportError } from './notices.svelte';

/** Whether the person was told that an export holds secrets: a fact about this browser's user, not data. */
const SECRETS_WARNED_KEY = 'monitor.export.secretsWarnedAt';

function secretsWarned(): boolean {
	try {
		return localStorage.getItem(SECRETS_WARNED_KEY) !== null;
	} catch {
		return false;
	}
}

export type ImportPhase = 'idle' | 'working' | 'confirm' | 'failed';

export interface ImportProgress {
	stage: ImportStage;
	step: string;
	/** 0 to 1, or null when the step cannot tell. */
	fraction: number | null;
}

export class FileTransferState {
	readonly #db: DbClient;
	readonly #backups: BackupsState;
	readonly #account: AccountState;
	#phase = $state<ImportPhase>('idle');
	#filename = $state('');
	#progress = $state.raw<ImportProgress>({ stage: 'read', step: '', fraction: null });
	#preview = $state.raw<ImportPreview | null>(null);
	#error = $state.raw<{ code: ErrorCode; message: string } | null>(null);
	#exporting = $state(false);
	#askingAboutSecrets = $state(false);
	/** Bumped when an import starts or is dismissed, so a late answer of an abandoned one is ignored. */
	#run = 0;
	#passphraseError = $state<string | null>(null);
	/** Replace or Merge, and the merge's preview and choices. */
	readonly merge: MergeImportState;

	constructor(db: DbClient, backups: BackupsState, account: AccountState) {
		this.#db = db;
		this.merge = new MergeImportState(db);
		this.#backups = backups;
		this.#account = account;
		// The installed app opened with files ("Open with Monitor"): one database at a time.
		onLaunchFiles((files) => {
			const [first] = files;
			if (files.length > 1) {
				notices.push(
					'info',
					`Monitor imports one database at a time: “${cleanFilename(first?.name)}”.`,
				);
			}
			if (first) void this.importFile(first);
		});
		db.on('progress', (p) => {
			if (p.task !== 'import' || this.#phase !== 'working' || !p.stage) return;
			this.#progress = { stage: p.stage, step: p.step, fraction: p.fraction };
		});
	}

	get phase(): ImportPhase {
		return this.#phase;
	}

	/** The incoming file's name, cleaned of control characters (show it as text). */
	get filename(): string {
		return this.#filename;
	}

	get progress(): ImportProgress {
		return this.#progress;
	}

	get preview(): ImportPreview | null {
		return this.#preview;
	}

	get error(): { code: ErrorCode; message: string } | null {
		return this.#error;
	}

	get exporting(): boolean {
		return this.#exporting;
	}

	/** The one-time warning that an export holds secrets is waiting for an answer. */
	get askingAboutSecrets(): boolean {
		return this.#askingAboutSecrets;
	}

	/** Checks a file and shows what importing it would replace; changes nothing yet. */
	async importFile(file: File): Promise<void> {
		if (this.#phase === 'working' || this.#phase === 'confirm') {
			notices.push('error', 'An import is already waiting. Finish or cancel it first.');
			return;
		}
		const run = ++this.#run;
		this.#filename = cleanFilename(file.name);
		this.#preview = null;
		this.#error = null;
		this.#phase = 'working';
		this.#progress = { stage: 'read', step: 'Reading the file', fraction: 0 };
		try {
			checkImportSize(file.size);
			const bytes = await readWholeFile(
				file,
				(fraction) => (this.#progress = { ...this.#progress, fraction }),
				() => run !== this.#run,
			);
			if (run !== this.#run) return;
			this.#progress = { stage: 'check', step: 'Checking the file', fraction: null };
			// The buffer moves to the worker; from here the page holds no copy of the file.
			const preview = await this.#db.callTransfer('import.inspect', { bytes, name: file.name }, [
				bytes.buffer,
			]);
			if (run !== this.#run) {
				void this.#db.call('import.cancel', { token: preview.token }).catch(() => {});
				return;
			}
			this.#preview = preview;
			this.merge.reset(preview.token);
			this.#phase = 'confirm';
		} catch (error) {
			if (run === this.#run) this.#fail(error);
		}
	}

	/** A wrong passphrase for the file's secrets: the import still waits, the person may try again. */
	get passphraseError(): string | null {
		return this.#passphraseError;
	}

	/**
	 * The person confirmed: back up the current database and swap the file in. `passphrase`: the file's,
	 * to keep its protected secrets (empty: leave them out); `keepApiBase`: keep the file's own Telegram
	 * Bot API server (shown in the confirm step), which is otherwise dropped.
	 */
	async confirm(passphrase = '', keepApiBase = false): Promise<void> {
		const preview = this.#preview;
		if (this.#phase !== 'confirm' || !preview) return;
		const run = ++this.#run;
		this.#passphraseError = null;
		this.#phase = 'working';
		this.#progress = { stage: 'save', step: 'Backing up the current database', fraction: null };
		try {
			const message =
				this.merge.way === 'merge'
					? await this.merge.commit(preview.token, passphrase || null)
					: await this.#replace(preview.token, passphrase || null, keepApiBase);
			notices.push('info', message, 10_000);
			if (run === this.#run) this.#reset();
			// The backup made before the swap is new in the list.
			void this.#backups.load();
		} catch (error) {
			if (run !== this.#run) return;
			if (error instanceof AppError && error.code === 'wrong-passphrase') {
				this.#passphraseError = error.message;
				this.#phase = 'confirm';
				return;
			}
			this.#fail(error);
		}
	}

	async #replace(token: string, passphrase: string | null, keepApiBase: boolean): Promise<string> {
		const { safety, imported } = await this.#db.call('import.commit', {
			token,
			passphrase,
			keepApiBase,
		});
		const n = imported.monitorCount;
		const paused =
			imported.runningMonitors > 0
				? ' Its monitors are paused: resume them on the Monitors page.'
				: '';
		return `Imported “${imported.filename}” (${n} monitor${n === 1 ? '' : 's'}). The database as it was before is backup #${safety.id}.${paused}`;
	}

	/** Closes the import dialog; an import waiting in the worker is dropped. */
	dismiss(): void {
		const preview = this.#phase === 'confirm' ? this.#preview : null;
		// Saving cannot be stopped half-way; the dialog stays until it has finished.
		if (this.#phase === 'working' && this.#progress.stage === 'save') return;
		this.#run++;
		this.#reset();
		if (preview) void this.#db.call('import.cancel', { token: preview.token }).catch(() => {});
	}

	/**
	 * Whether an export would hold secrets in clear: bot tokens or monitor headers stored without a
	 * passphrase (with one, they are sealed with AES-GCM before they are ever written).
	 */
	get secretsInClear(): boolean {
		const inClear = this.#account.status?.inClear;
		return inClear !== undefined && inClear.bots + inClear.monitors + inClear.channels > 0;
	}

	/** Exports the database, first warning (once) that the file holds secrets in clear. */
	async export(): Promise<void> {
		if (this.#exporting) return;
		if (this.secretsInClear && !secretsWarned()) {
			this.#askingAboutSecrets = true;
			return;
		}
		await this.#export();
	}

	/** The person read the warning: remember it, and export (this click still counts as a gesture). */
	async acknowledgeSecrets(): Promise<void> {
		this.#askingAboutSecrets = false;
		try {
			localStorage.setItem(SECRETS_WARNED_KEY, String(Date.now()));
		} catch {
			// Storage blocked: the warning comes again next time, which errs on the safe side.
		}
		await this.#export();
	}

	declineSecrets(): void {
		this.#askingAboutSecrets = false;
	}

	/** A configuration-only file (monitors, settings, bots and chats; no history, no secret). */
	exportConfiguration(): Promise<void> {
		return this.#export('configuration');
	}

	async #export(what: 'database' | 'configuration' = 'database'): Promise<void> {
		if (this.#exporting) return;
		this.#exporting = true;
		try {
			const whole = what === 'database';
			const file = this.#db.call(whole ? 'database.export' : 'database.exportConfiguration');
			// If the person cancels the picker first, a later failure of the export is nobody's news.
			file.catch(() => {});
			const filename = (whole ? exportFilename : configurationFilename)(Date.now());
			const how = await saveDatabaseFile(
				filename,
				file.then((f) => f.bytes),
			);
			const { takenAt } = await file;
			if (!whole) {
				notices.push('info', `Exported the configuration: ${filename}.`);
				return;
			}
			// Recorded in the background: when storage is full (when an export matters most), the write
			// waits for room, and the export is done all the same.
			this.#db.call('database.exported', { at: takenAt }).catch((error: unknown) => {
				// A read-only database (from a newer app) can be exported, but not written to.
				if (!(error instanceof AppError && error.code === 'db-read-only')) {
					reportError(error, 'Recording the export');
				}
			});
			notices.push(
				'info',
				how === 'saved' ? `Exported ${filename}.` : `Exported: ${filename} is in your downloads.`,
			);
		} catch (error) {
			reportError(error, 'Exporting the database');
		} finally {
			this.#exporting = false;
		}
	}

	#fail(error: unknown): void {
		console.warn('Import refused', error);
		this.#error = {
			code: error instanceof AppError ? error.code : 'internal',
			message: describeError(error),
		};
		this.#phase = 'failed';
	}

	#reset(): void {
		this.merge.reset(null);
		this.#phase = 'idle';
		this.#preview = null;
		this.#error = null;
	}
}
