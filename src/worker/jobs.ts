/**
 * Work that must happen once per origin runs only in the window that owns the database: started when
 * this worker becomes the owner, stopped when it stops being one. Scheduled checks, Telegram polling and
 * log rotation join this list in later issues.
 */
import { rotate } from './checks/retention';
import { Scheduler, type SchedulerEnv } from './checks/scheduler';
import { vault } from './account/vault';
import type { HandlerContext } from './handlers';
import { Dispatcher } from './telegram/dispatcher';
import { startPolling } from './telegram/poller';

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

/** The browser's clock, network and timers, as the scheduler sees them in a worker. */
function workerEnv(): SchedulerEnv {
	return {
		fetch: (input, init) => fetch(input, init),
		now: Date.now,
		clock: () => performance.now(),
		setTimer: (fn, ms) => setTimeout(fn, ms),
		clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
		online: () => navigator.onLine,
	};
}

/** Scheduled checks: started with ownership, refreshed when monitors change, paused while offline. */
export const runChecks: OwnerJob = {
	name: 'checks',
	start(ctx) {
		const scheduler = new Scheduler(ctx.db, workerEnv());
		ctx.services.scheduler = scheduler;
		const unsubscribe = ctx.db.subscribe((tables) => {
			if (tables.includes('monitors')) scheduler.refresh();
		});
		// Monitors whose headers are sealed wait for the passphrase; they join once it is entered.
		const stopUnlock = vault.onUnlock(() => scheduler.refresh());
		const onNetwork = () => scheduler.onlineChanged();
		addEventListener('online', onNetwork);
		addEventListener('offline', onNetwork);
		scheduler.start();
		return () => {
			scheduler.stop();
			unsubscribe();
			stopUnlock();
			removeEventListener('online', onNetwork);
			removeEventListener('offline', onNetwork);
			delete ctx.services.scheduler;
		};
	},
};

const ROTATE_EVERY_MS = 24 * 60 * 60 * 1000;
const FIRST_ROTATION_AFTER_MS = 60 * 1000;

/** The daily retention run; the first one a minute after start, so opening the app stays quick. */
export const rotateHistory: OwnerJob = {
	name: 'rotate-history',
	start(ctx) {
		const run = () => {
			if (ctx.db.readOnly) return;
			rotate(ctx.db, ctx.now()).catch((error: unknown) =>
				console.warn('Rotating history failed', error),
			);
		};
		const first = setTimeout(run, FIRST_ROTATION_AFTER_MS);
		const timer = setInterval(run, ROTATE_EVERY_MS);
		return () => {
			clearTimeout(first);
			clearInterval(timer);
		};
	},
};

const POLL_TELEGRAM_EVERY_MS = 30_000;

/** Telegram: deliver the outbox as it fills, and look for new chats with short polls. */
export const runTelegram: OwnerJob = {
	name: 'telegram',
	start(ctx) {
		const env = workerEnv();
		const dispatcher = new Dispatcher(ctx.db, env);
		ctx.services.telegram = dispatcher;
		const unsubscribe = ctx.db.subscribe((tables) => {
			if (tables.includes('outbox') || tables.includes('telegram_chats')) dispatcher.kick();
		});
		// Alerts through bots whose token is sealed wait for the passphrase.
		const stopUnlock = vault.onUnlock(() => dispatcher.kick());
		const onNetwork = () => dispatcher.kick();
		addEventListener('online', onNetwork);
		dispatcher
			.start()
			.catch((error: unknown) => console.warn('Starting Telegram delivery failed', error));
		const stopPolling = startPolling(ctx.db, env, POLL_TELEGRAM_EVERY_MS);
		return () => {
			stopPolling();
			dispatcher.stop();
			unsubscribe();
			stopUnlock();
			removeEventListener('online', onNetwork);
			delete ctx.services.telegram;
		};
	},
};

export const OWNER_JOBS: readonly OwnerJob[] = [
	pruneRequestLedger,
	runChecks,
	rotateHistory,
	runTelegram,
];

export function startJobs(ctx: HandlerContext, jobs: readonly OwnerJob[] = OWNER_JOBS): () => void {
	const stops = jobs.map((job) => job.start(ctx));
	return () => {
		for (const stop of stops) stop();
	};
}
