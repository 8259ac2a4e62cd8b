/**
 * Keeps history "rotating, bounded", as the seed document asks: raw checks older than the retention
 * period (setting `retention_days`, default 90) are deleted, with the blocks whose span is past it, minute rollups after a week, hour and day
 * rollups after a year. State-change events are never rotated. Deletion runs in batches, each its own
 * small transaction, with a pause between them so other calls keep being answered.
 */
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { deleteActivityBefore } from '../../stores/activity';
import { deleteChecksBefore } from '../../stores/checks';
import { deleteBlocksBefore } from '../../stores/history/blocks';
import { deleteSettledBefore } from '../../stores/outbox';
import { deleteLongRollupsBefore, deleteMinuteRollupsBefore } from '../../stores/rollups';
import { activityDays, recordActivity } from '../activity/log';
import { getSettings } from '../settings';

const DAY = 86_400_000;
const MINUTE_ROLLUPS_DAYS = 7;
const ROLLUPS_DAYS = 365;

export interface RotationResult {
	checks: number;
	blocks: number;
	rollups: number;
	notifications: number;
	/** Activity log entries past their own retention. */
	activity: number;
}

/** What rotation deletes: rows strictly older than these instants (epoch ms). */
export interface RotationCutoffs {
	checksBefore: number;
	minuteRollupsBefore: number;
	rollupsBefore: number;
	activityBefore: number;
}

export function rotationCutoffs(engine: Engine, now: number): RotationCutoffs {
	return {
		checksBefore: now - getSettings(engine).retentionDays * DAY,
		minuteRollupsBefore: now - MINUTE_ROLLUPS_DAYS * DAY,
		rollupsBefore: now - ROLLUPS_DAYS * DAY,
		activityBefore: now - activityDays(engine) * DAY,
	};
}

export async function rotate(
	db: LiveDatabase,
	now: number,
	options: {
		batch?: number;
		pause?: () => Promise<void>;
		/** Hears the running total of rows removed after each batch. */
		onProgress?: (removed: number) => void;
	} = {},
): Promise<RotationResult> {
	const batch = options.batch ?? 2000;
	const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
	const cutoffs = rotationCutoffs(db.engine, now);
	const result: RotationResult = {
		checks: 0,
		blocks: 0,
		rollups: 0,
		notifications: 0,
		activity: 0,
	};
	let removedSoFar = 0;

	/** Runs `remove` (one batch, in its own write) until a batch comes back short. */
	const inBatches = async (
		remove: (engine: Engine, before: number, batch: number) => number,
		before: number,
	): Promise<number> => {
		let total = 0;
		for (;;) {
			const removed = await db.write(() => remove(db.engine, before, batch));
			total += removed;
			removedSoFar += removed;
			options.onProgress?.(removedSoFar);
			if (removed < batch) return total;
			await pause();
		}
	};

	result.checks = await inBatches(deleteChecksBefore, cutoffs.checksBefore);
	// A block goes once its whole span is past the retention period.
	result.blocks = await inBatches(deleteBlocksBefore, cutoffs.checksBefore);
	// The notification log follows the checks' retention; messages still to be sent are never rotated.
	result.notifications = await inBatches(deleteSettledBefore, cutoffs.checksBefore);
	result.rollups += await inBatches(deleteMinuteRollupsBefore, cutoffs.minuteRollupsBefore);
	result.rollups += await inBatches(deleteLongRollupsBefore, cutoffs.rollupsBefore);
	result.activity = await inBatches(deleteActivityBefore, cutoffs.activityBefore);
	await db.write(() =>
		recordActivity(db.engine, now, {
			kind: 'rotation',
			message: `Rotation removed ${result.checks} checks, ${result.blocks} history blocks, ${result.rollups} rollup rows, ${result.notifications} notifications and ${result.activity} log entries.`,
			details: { ...result },
		}),
	);
	return result;
}
