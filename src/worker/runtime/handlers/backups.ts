/** The backup calls. Each is long, asynchronous work that manages its own consistency (core/backups). */
import { backupFilename, describeReason } from '../../../shared/backups';
import { noteActivity } from '../../domain/activity/log';
import { positiveId } from './args';
import type { AreaHandlers } from './table';

const backupId = (args: { id?: unknown } | undefined) => positiveId(args?.id, 'A backup id');

export const backupHandlers: AreaHandlers<'backups'> = {
	'backups.list': { kind: 'read', run: ({ db }) => db.listBackups() },
	'backups.create': {
		kind: 'task',
		run: async ({ db, now }) => {
			const info = await db.createBackup('manual');
			await noteActivity(db, now(), {
				kind: 'backup',
				message: `Backup #${info.id} made (${describeReason(info)}).`,
				details: { id: info.id, bytes: info.sizeBytes, schemaVersion: info.schemaVersion },
			});
			return info;
		},
	},
	'backups.restore': {
		kind: 'task',
		run: async ({ db, now }, args) => {
			const result = await db.restoreBackup(backupId(args));
			// Written into the restored database: it tells how it came to be the live one.
			await noteActivity(db, now(), {
				kind: 'restore',
				message: `Backup #${result.restored.id} restored; the database before it is backup #${result.safety.id}.`,
				details: { restored: result.restored.id, safety: result.safety.id },
			});
			return result;
		},
	},
	'backups.delete': {
		kind: 'task',
		run: async ({ db, now }, args) => {
			const id = backupId(args);
			const result = await db.deleteBackup(id);
			if (result.deleted)
				await noteActivity(db, now(), { kind: 'backup', message: `Backup #${id} deleted.` });
			return result;
		},
	},
	// The backup as the plain SQLite file it holds (decompressed and verified).
	'backups.download': {
		kind: 'read',
		run: async ({ db }, args) => {
			const { info, image } = await db.readBackup(backupId(args));
			return { filename: backupFilename(info), bytes: image };
		},
	},
};
