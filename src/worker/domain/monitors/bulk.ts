/**
 * One action on several monitors, in one transaction (the list's selection): tag or untag, pause,
 * resume or delete. Ids that are not (or no longer) monitors are skipped; the answer says how many
 * monitors the action changed.
 */
import { AppError } from '../../../shared/errors';
import type { BulkAction } from '../../../shared/tags';
import type { Engine } from '../../core/engine';
import { deleteMonitorRow, monitorRecord } from '../../stores/monitors';
import { addTagTo, removeTagFrom, tagRow } from '../../stores/tags';
import { setMonitorEnabled } from './service';

export function bulkMonitors(
	engine: Engine,
	ids: readonly number[],
	action: BulkAction,
	now: number,
): { changed: number } {
	switch (action.kind) {
		case 'tag':
		case 'untag': {
			if (!tagRow(engine, action.tagId))
				throw new AppError('not-found', 'That tag no longer exists.');
			const changed =
				action.kind === 'tag'
					? addTagTo(engine, action.tagId, ids)
					: removeTagFrom(engine, action.tagId, ids);
			return { changed };
		}
		case 'pause':
		case 'resume': {
			const enabled = action.kind === 'resume';
			let changed = 0;
			for (const id of ids) {
				const record = monitorRecord(engine, id);
				if (!record || record.enabled === enabled) continue;
				setMonitorEnabled(engine, id, enabled, now);
				changed++;
			}
			return { changed };
		}
		case 'delete':
			return { changed: ids.filter((id) => deleteMonitorRow(engine, id)).length };
	}
}
