/**
 * Work that must happen once per origin runs only in the window that owns the database: started when
 * this worker becomes the owner, stopped when it stops being one. Scheduled checks, Telegram polling and
 * log rotation join this list in later issues.
 */
import type { HandlerContext } from './handlers';

export interface OwnerJob {
	name: string;
	/** Starts the job; returns its stop function. */
	start(ctx: HandlerContext): () => void;
}

const REQUEST_LEDGER_MAX_AGE_MS = 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** Keeps the `_requests` ledger to the last hour: long enough to answer any retry, small enough to forget. */
export const pruneRequestLedger: OwnerJob = {
	name: 'prune-request-ledger',
	start({ db }) {
		const run = () => {
			if (db.readOnly) return;
			db.pruneRequests(REQUEST_LEDGER_MAX_AGE_MS).catch((error: unknown) =>
				console.warn('Pruning requests failed', error),
			);
		};
		run();
		const timer = setInterval(run, PRUNE_EVERY_MS);
		return () => clearInterval(timer);
	},
};

export const OWNER_JOBS: readonly OwnerJob[] = [pruneRequestLedger];

export function startJobs(ctx: HandlerContext, jobs: readonly OwnerJob[] = OWNER_JOBS): () => void {
	const stops = jobs.map((job) => job.start(ctx));
	return () => {
		for (const stop of stops) stop();
	};
}
