/** The monitor and check calls: ids and ranges checked here, the work in domain/monitors and history. */
import { AppError } from '../../../shared/errors';
import { reserveRowId } from '../../domain/account/places';
import { detail, overview } from '../../domain/history/history';
import { bulkMonitors } from '../../domain/monitors/bulk';
import { readBulk } from '../../../shared/tags';
import {
	createMonitor,
	deleteMonitor,
	getMonitor,
	listMonitors,
	setMonitorEnabled,
	storedRequest,
	updateMonitor,
} from '../../domain/monitors/service';
import { streamCompression } from '../../stores/history/compression';
import type { StoredRequest } from '../../domain/monitors/request-secrets';
import { checkRange, positiveId } from './args';
import type { AreaHandlers } from './table';

const monitorId = (id: unknown) => positiveId(id, 'A monitor id');

export const monitorHandlers: AreaHandlers<'monitors' | 'checks'> = {
	'monitors.list': { kind: 'read', run: ({ db }) => listMonitors(db.engine) },
	'monitors.get': { kind: 'read', run: ({ db }, { id }) => getMonitor(db.engine, monitorId(id)) },
	'monitors.create': {
		kind: 'write',
		// Sealed headers and bodies are bound to their row: the new monitor's id is chosen before sealing.
		prepare: async ({ db }, input) => {
			const id = reserveRowId(db.engine, 'monitors');
			return { id, stored: await storedRequest(db.engine, input, id) };
		},
		run: ({ db, now }, input, prepared) => {
			const { id, stored } = prepared as { id: number; stored: StoredRequest };
			return createMonitor(db.engine, input, now(), stored, id);
		},
	},
	'monitors.update': {
		kind: 'write',
		prepare: ({ db }, { id, input }) => storedRequest(db.engine, input, monitorId(id)),
		run: ({ db, now }, { id, input }, stored) =>
			updateMonitor(db.engine, monitorId(id), input, now(), stored as StoredRequest),
	},
	'monitors.delete': {
		kind: 'write',
		run: ({ db }, { id }) => deleteMonitor(db.engine, monitorId(id)),
	},
	'monitors.setEnabled': {
		kind: 'write',
		run: ({ db, now }, { id, enabled }) =>
			setMonitorEnabled(db.engine, monitorId(id), enabled === true, now()),
	},
	'monitors.overview': {
		kind: 'read',
		run: ({ db, now }) => overview(db.engine, streamCompression, now()),
	},
	'monitors.detail': {
		kind: 'read',
		run: ({ db, now }, { id, range }) =>
			detail(db.engine, streamCompression, monitorId(id), checkRange(range), now()),
	},
	'monitors.bulk': {
		kind: 'write',
		run: ({ db, now }, { ids, action }) => {
			const read = readBulk(ids, action);
			if (!read.ok) throw new AppError('invalid-input', read.error);
			return bulkMonitors(db.engine, read.ids, read.action, now());
		},
	},
	'checks.runNow': {
		kind: 'read',
		run: async ({ db, services }, { id }) => {
			const monitor = getMonitor(db.engine, monitorId(id));
			if (!services.scheduler) throw new AppError('db-read-only');
			await services.scheduler.checkNow(monitor.id);
		},
	},
};
