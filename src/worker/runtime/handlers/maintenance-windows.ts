/** Maintenance windows: arguments checked here (the window itself in the domain), the work in domain/maintenance/. */
import {
	createWindow,
	deleteWindow,
	listWindows,
	updateWindow,
} from '../../domain/maintenance/windows';
import { positiveId } from './args';
import type { AreaHandlers } from './table';

const windowId = (id: unknown) => positiveId(id, 'A maintenance window id');

export const windowHandlers: AreaHandlers<'windows'> = {
	'windows.list': { kind: 'read', run: ({ db }) => listWindows(db.engine) },
	'windows.create': {
		kind: 'write',
		run: ({ db, now }, input) => createWindow(db.engine, input, now()),
	},
	'windows.update': {
		kind: 'write',
		run: ({ db, now }, { id, input }) => updateWindow(db.engine, windowId(id), input, now()),
	},
	'windows.delete': {
		kind: 'write',
		run: ({ db, now }, { id }) => deleteWindow(db.engine, windowId(id), now()),
	},
};
