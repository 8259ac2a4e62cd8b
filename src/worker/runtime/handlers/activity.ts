/** The activity log's calls: reading it a page at a time (its entries are written by the services). */
import { activityDays, activityPage, setActivityDays } from '../../domain/activity/log';
import type { AreaHandlers } from './table';

export const activityHandlers: AreaHandlers<'activity'> = {
	'activity.list': { kind: 'read', run: ({ db }, args) => activityPage(db.engine, args) },
	'activity.days': { kind: 'read', run: ({ db }) => ({ days: activityDays(db.engine) }) },
	'activity.setDays': {
		kind: 'write',
		run: ({ db, now }, args) => ({ days: setActivityDays(db.engine, args, now()) }),
	},
};
