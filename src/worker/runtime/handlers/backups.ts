/** The backup calls. Each is long, asynchronous work that manages its own consistency (core/backups). */
import { backupFilename } from '../../../shared/backups';
import { positiveId } from './args';
import type { AreaHandlers } from './table';

const backupId = (args: { id?: unknown } | undefined) => positiveId(args?.id, 'A backup id');

export const backupHandlers: AreaHandlers<'backups'> = {
	'backups.list': { kind: 'read', run: ({ db }) => db.listBackups() },
	'backups.create': { kind: 'task', run: ({ db }) => db.createBackup('manual') },
	'backups.restore': { kind: 'task', run: ({ db }, args) => db.restoreBackup(backupId(args)) },
	'backups.delete': { kind: 'task', run: ({ db }, args) => db.deleteBackup(backupId(args)) },
	// The backup as the plain SQLite file it holds (decompressed and verified).
	'backups.download': {
		kind: 'read',
		run: async ({ db }, args) => {
			const { info, image } = await db.readBackup(backupId(args));
			return { filename: backupFilename(info), bytes: image };
		},
	},
};
