/**
 * An import in two steps, so a person sees what they are about to replace before anything changes:
 * `inspect` has the file checked in a worker of its own (`UntrustedCheck`: nothing the file defines
 * ever runs where the live database lives), then migrates it on a scratch copy and keeps it, under a
 * token, in the worker that owns the database; `commit` swaps it in (`LiveDatabase.replace`: backup
 * first, one strict commit, then every view refreshes); `cancel` drops it. One import waits at a time,
 * for at most ten minutes: the scratch copy can be as large as the database itself.
 */
import type { BackupInfo } from '../../../shared/backups';
import { AppError } from '../../../shared/errors';
import {
	INTEGRITY_CHECK_MAX_BYTES,
	type ImportPreview,
	type IncomingSummary,
} from '../../../shared/transfer';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import type { CheckedImage, UntrustedCheckOptions } from '../../core/integrity/untrusted';
import { checkIncomingPassphrase, describeIncoming } from '../account/incoming';
import { sniff } from './sniff';
import { fileSize } from '../../stores/database-file';
import { summarize } from './summary';
import { verifyBlocks } from '../history/verify';
import { checkImportedWindows } from '../maintenance/imported';
import type { Compression } from '../../stores/history/compression';
import { customApiBase, holdImported } from './trust';
import { runningCount } from '../../stores/monitors';

export const IMPORT_WAITS_MS = 10 * 60 * 1000;

/**
 * Checks a file from outside (`checkUntrustedImage`), in a worker of its own in the browser. It may
 * take `image` (transfer it away): only the image it resolves with is used afterwards.
 */
export type UntrustedCheck = (
	image: Uint8Array,
	options: UntrustedCheckOptions,
) => Promise<CheckedImage>;

interface Waiting {
	token: string;
	engine: Engine;
	incoming: IncomingSummary;
	timer: ReturnType<typeof setTimeout>;
}

/** Per live database, so a new owner (or a test's second database) never sees another's import. */
const waiting = new WeakMap<LiveDatabase, Waiting>();

function drop(db: LiveDatabase): void {
	const current = waiting.get(db);
	if (!current) return;
	waiting.delete(db);
	clearTimeout(current.timer);
	current.engine.db.close();
}

/**
 * Checks a file and prepares it, changing nothing live; replaces any import still waiting. `name`: the
 * file's name as the person chose it, cleaned for display (`cleanFilename`).
 */
export async function inspectImport(
	db: LiveDatabase,
	{ bytes, name }: { bytes: Uint8Array; name: string },
	check: UntrustedCheck,
): Promise<ImportPreview> {
	drop(db);
	const progress = (stage: 'check' | 'migrate', step: string, fraction: number | null) =>
		db.reportProgress({ task: 'import', stage, step, fraction });
	try {
		progress('check', 'Checking the file', null);
		const header = sniff(bytes);
		const sizeBytes = bytes.length;
		const checked = await check(bytes, {
			subject: 'This file',
			corrupt: 'import-corrupt',
			integrityCheckMaxBytes: INTEGRITY_CHECK_MAX_BYTES,
		});
		// Another import may have started while this one was being checked: the later one wins.
		drop(db);
		const prepared = db.prepare(checked.image, {
			subject: 'This file',
			corrupt: 'import-corrupt',
			checked: checked.check,
			onStage: (stage) =>
				progress(stage, stage === 'check' ? 'Checking the file' : 'Updating its schema', null),
			onMigrating: (file, index, total) =>
				progress('migrate', `Updating its schema: ${file.filename}`, index / total),
		});
		try {
			checkImportedWindows(prepared.engine);
		} catch (error) {
			prepared.engine.db.close();
			throw error;
		}
		const incoming: IncomingSummary = {
			...summarize(prepared.engine, sizeBytes),
			secrets: describeIncoming(prepared.engine),
			schemaVersion: prepared.schemaVersion,
			filename: name,
			migrations: prepared.migrated.map((m) => m.filename),
			check: prepared.check,
			telegramApiBase: customApiBase(prepared.engine),
			runningMonitors: runningCount(prepared.engine),
			warnings: header.wal
				? [
						'The file was written in WAL mode: changes still waiting in its “-wal” file beside it are not part of it. ' +
							'If the program that wrote it is still open, close it and choose the file again.',
					]
				: [],
		};
		const token = crypto.randomUUID();
		const timer = setTimeout(() => {
			if (waiting.get(db)?.token === token) drop(db);
		}, IMPORT_WAITS_MS);
		waiting.set(db, { token, engine: prepared.engine, incoming, timer });
		return {
			token,
			current: summarize(db.engine, fileSize(db.engine)),
			incoming,
			appSchemaVersion: db.report().appSchemaVersion,
		};
	} finally {
		db.reportProgress({ task: null, step: '', fraction: null });
	}
}

/**
 * The second half of inspecting: the compacted history of the file waiting under `token` is inflated and
 * checked block by block (asynchronous: the platform's inflate is a stream). A flaw drops the import,
 * so it can never be committed, and rejects with `import-history-corrupt`.
 */
export async function verifyImportHistory(
	db: LiveDatabase,
	token: string,
	compression: Compression,
): Promise<void> {
	const current = waiting.get(db);
	if (current?.token !== token) return;
	try {
		await verifyBlocks(current.engine, compression);
	} catch (error) {
		if (waiting.get(db)?.token === token) drop(db);
		throw error;
	}
}

/** Swaps in the file `inspectImport` prepared; resolves with the backup of the database it replaced. */
export async function commitImport(
	db: LiveDatabase,
	{
		token,
		passphrase = null,
		keepApiBase = false,
	}: { token: string; passphrase?: string | null; keepApiBase?: boolean },
): Promise<{ safety: BackupInfo; imported: IncomingSummary }> {
	const current = waiting.get(db);
	if (!current || current.token !== token) throw new AppError('import-expired');
	// A wrong passphrase is caught here, while the import still waits to be tried again.
	if (passphrase !== null) await checkIncomingPassphrase(current.engine, passphrase);
	// From here on `replace` owns the scratch engine: it closes it if the swap fails.
	waiting.delete(db);
	clearTimeout(current.timer);
	try {
		holdImported(current.engine, { keepApiBase }, Date.now());
	} catch (error) {
		current.engine.db.close();
		throw error;
	}
	const safety = await db.replace(current.engine, {
		reason: 'before-import',
		detail: `of ${current.incoming.filename}`,
		subject: 'This file',
		corrupt: 'import-corrupt',
		task: 'import',
		passphrase,
	});
	return { safety, imported: current.incoming };
}

/** The file waiting under `token`, for a merge to read (it stays waiting); `import-expired` when gone. */
export function waitingImport(
	db: LiveDatabase,
	token: string,
): { engine: Engine; incoming: IncomingSummary } {
	const current = waiting.get(db);
	if (!current || current.token !== token) throw new AppError('import-expired');
	return current;
}

/** Drops a waiting import (the person said no); nothing to do when it is already gone. */
export function cancelImport(db: LiveDatabase, { token }: { token: string }): void {
	if (waiting.get(db)?.token === token) drop(db);
}
