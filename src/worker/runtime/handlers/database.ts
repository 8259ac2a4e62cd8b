/** The whole-database calls: status, saving, export and import, and the app settings. */
import { AppError } from '../../../shared/errors';
import { cleanFilename } from '../../../shared/transfer';
import { noteActivity, recordActivity } from '../../domain/activity/log';
import {
	cancelImport,
	commitImport,
	inspectImport,
	verifyImportHistory,
} from '../../domain/import/session';
import { heldMonitors, resumeImported } from '../../domain/import/trust';
import { exportConfiguration } from '../../domain/import/configuration';
import { commitMerge, previewMerge, type MergeRequest } from '../../domain/import/merge-session';
import { parseMergeChoices } from '../../../shared/merge';
import { streamCompression } from '../../stores/history/compression';
import { getSettings, updateSettings } from '../../domain/settings';
import { exportDatabase, recordExport } from '../../domain/transfer';
import { checkImportedFile } from '../browser-env';
import type { AreaHandlers } from './table';

/** The longest hold on scheduled checks a flush may ask for (`database.flush`). */
const MAX_CHECK_HOLD_MS = 60_000;

function importedFile(args: unknown): { bytes: Uint8Array; name: string } {
	const { bytes, name } = (args ?? {}) as { bytes?: unknown; name?: unknown };
	if (!(bytes instanceof Uint8Array)) {
		throw new AppError('invalid-input', 'An import needs the file’s bytes.');
	}
	return { bytes, name: cleanFilename(name) };
}

function importToken(args: unknown): string {
	const token = (args as { token?: unknown } | undefined)?.token;
	if (typeof token !== 'string' || token.length === 0 || token.length > 100) {
		throw new AppError('invalid-input', 'An import is named by the token its inspection gave.');
	}
	return token;
}

function filePassphrase(args: unknown): string | null {
	const passphrase = (args as { passphrase?: unknown } | undefined)?.passphrase;
	return typeof passphrase === 'string' && passphrase.length > 0 ? passphrase : null;
}

function mergeRequest(args: unknown): MergeRequest {
	return {
		token: importToken(args),
		choices: parseMergeChoices((args as { choices?: unknown } | undefined)?.choices),
		passphrase: filePassphrase(args),
	};
}

export const databaseHandlers: AreaHandlers<'database' | 'import' | 'settings'> = {
	'database.status': { kind: 'read', run: ({ db }) => db.status() },
	'database.saveStatus': { kind: 'read', run: ({ db }) => db.persister.status() },
	'database.flush': {
		kind: 'read',
		run: async ({ db, services }, args) => {
			const hold = args && typeof args === 'object' ? Number(args.holdChecksMs) : 0;
			if (hold > 0) services.scheduler?.hold(Math.min(hold, MAX_CHECK_HOLD_MS));
			// Whoever asks is about to reload or close: results waiting for their tick are written, and a
			// failed save waiting for its retry goes now.
			await services.scheduler?.flushResults();
			db.persister.hurry();
			await db.persister.flushed();
			return db.persister.status();
		},
	},
	'database.export': { kind: 'read', run: ({ db, now }) => exportDatabase(db, now()) },
	'database.exportConfiguration': {
		kind: 'read',
		run: ({ db, now }) => exportConfiguration(db, now()),
	},
	'database.exported': {
		kind: 'write',
		run: ({ db, now }, args) => {
			const recorded = recordExport(db.engine, args?.at, now());
			recordActivity(db.engine, now(), { kind: 'export', message: 'Database exported.' });
			return recorded;
		},
	},
	// Long work: a task, so it is never wrapped in a write transaction.
	'import.inspect': {
		kind: 'task',
		run: async ({ db }, args) => {
			const preview = await inspectImport(db, importedFile(args), checkImportedFile);
			await verifyImportHistory(db, preview.token, streamCompression);
			return preview;
		},
	},
	'import.commit': {
		kind: 'task',
		run: async ({ db, now }, args) => {
			const result = await commitImport(db, {
				token: importToken(args),
				passphrase: filePassphrase(args),
				keepApiBase: args?.keepApiBase === true,
			});
			const { imported, safety } = result;
			// Written into the imported database: it tells where it came from.
			await noteActivity(db, now(), {
				kind: 'import',
				message: `Imported ${imported.filename} (${imported.monitorCount} monitors); the database before it is backup #${safety.id}.`,
				details: {
					file: imported.filename,
					bytes: imported.sizeBytes,
					migrations: imported.migrations.length,
					check: imported.check,
					safety: safety.id,
				},
			});
			return result;
		},
	},
	'import.previewMerge': {
		kind: 'task',
		run: ({ db, now }, args) => previewMerge(db, mergeRequest(args), streamCompression, now()),
	},
	'import.merge': {
		kind: 'task',
		run: async ({ db, now }, args) => {
			const result = await commitMerge(db, mergeRequest(args), streamCompression, now());
			const { merged, safety, report } = result;
			await noteActivity(db, now(), {
				kind: 'import',
				message:
					`Merged ${merged.filename}: ${report.monitors.new} monitors added, ${report.monitors.matched} joined, ` +
					`${report.checks.added} checks added; the database before it is backup #${safety.id}.`,
				details: {
					file: merged.filename,
					added: report.monitors.new,
					matched: report.monitors.matched,
					skipped: report.monitors.skipped,
					checks: report.checks.added,
					safety: safety.id,
				},
			});
			return result;
		},
	},
	'import.cancel': {
		kind: 'read',
		run: ({ db }, args) => cancelImport(db, { token: importToken(args) }),
	},
	'import.pausedMonitors': { kind: 'read', run: ({ db }) => heldMonitors(db.engine) },
	'import.resumeMonitors': {
		kind: 'write',
		run: ({ db, now }) => resumeImported(db.engine, now()),
	},
	'settings.get': { kind: 'read', run: ({ db }) => getSettings(db.engine) },
	'settings.update': {
		kind: 'write',
		run: ({ db, now }, patch) => updateSettings(db.engine, patch, now()),
	},
};
