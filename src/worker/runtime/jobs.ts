/**
 * Work that must happen once per origin runs only in the window that owns the database: started when
 * this worker becomes the owner, stopped when it stops being one. The jobs: pruning the request ledger,
 * the scheduled checks, the daily history rotation, hourly compaction, database health, and Telegram (delivering the
 * outbox, polling for chats). Each job wires a domain service to the browser (timers, the network
 * events, the vault's unlock) and puts it in the handlers' `services` while it runs.
 */
import { rotate } from '../domain/checks/retention';
import { compact } from '../domain/history/compaction';
import { streamCompression } from '../stores/history/compression';
import { Scheduler, type SchedulerEnv } from '../domain/checks/scheduler';
import { vault } from '../domain/account/vault';
import type { HandlerContext } from './handlers';
import { SAMPLE_EVERY_MS } from '../../shared/health';
import { browserHealthEnv } from './browser-env';
import { Maintenance } from '../domain/health/maintenance';
import { compactionEntry } from '../domain/health/maintenance-log';
import { noteActivity } from '../domain/activity/log';
import { HealthService } from '../domain/health/service';
import { throttle } from '../domain/health/throttle';
import { Dispatcher } from '../domain/telegram/dispatcher';
import { startPolling } from '../domain/telegram/poller';

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
	start({ db, report }) {
		const run = () => {
			if (db.readOnly) return;
			db.pruneRequests(REQUEST_LEDGER_MAX_AGE_MS).catch((error: unknown) =>
				report('Pruning the request ledger failed', error),
			);
		};
		run();
		const timer = setInterval(run, PRUNE_EVERY_MS);
		return () => clearInterval(timer);
	},
};

/** The browser's clock, network and timers, as the scheduler sees them in a worker. */
function workerEnv(
	report: HandlerContext['report'],
): SchedulerEnv & { report: HandlerContext['report'] } {
	return {
		report,
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
		const scheduler = new Scheduler(ctx.db, workerEnv(ctx.report));
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
				ctx.report('Rotating history failed', error),
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

const COMPACT_EVERY_MS = 60 * 60 * 1000;
const FIRST_COMPACTION_AFTER_MS = 2 * 60 * 1000;

/** Hourly, rows of spans closed more than a day ago become blocks (domain/history/compaction.ts). */
export const compactHistory: OwnerJob = {
	name: 'compact-history',
	start(ctx) {
		let running = false;
		const run = () => {
			if (ctx.db.readOnly || running) return;
			running = true;
			const started = performance.now();
			compact(ctx.db, ctx.now(), { compression: streamCompression })
				.then((result) =>
					result.blocks > 0
						? noteActivity(ctx.db, ctx.now(), compactionEntry(result, performance.now() - started))
						: undefined,
				)
				.catch((error: unknown) => ctx.report('Compacting history failed', error))
				.finally(() => (running = false));
		};
		const first = setTimeout(run, FIRST_COMPACTION_AFTER_MS);
		const timer = setInterval(run, COMPACT_EVERY_MS);
		return () => {
			clearTimeout(first);
			clearInterval(timer);
		};
	},
};

/** Changes to these alone do not call for an evaluation: they are health's own bookkeeping. */
const HEALTH_TABLES = new Set(['health_samples', 'health_alerts']);
/** Levels follow the data within seconds, without measuring after every single write. */
const EVALUATE_EVERY_MS = 5_000;
const FIRST_SAMPLE_AFTER_MS = 60_000;

/**
 * Database health: evaluates the metrics against the thresholds shortly after changes (a level change
 * is recorded in `health_alerts`, which raises the banner) and writes a sample every five minutes.
 */
export const watchHealth: OwnerJob = {
	name: 'health',
	start(ctx) {
		const health = new HealthService(ctx.db, browserHealthEnv(ctx.now));
		ctx.services.health = health;
		ctx.services.maintenance = new Maintenance(ctx.db, health);
		const warn = (what: string) => (error: unknown) => ctx.report(what, error);
		const evaluate = throttle(() => {
			health.evaluate().catch(warn('Evaluating database health failed'));
		}, EVALUATE_EVERY_MS);
		const sample = () => {
			if (ctx.db.readOnly) return;
			health.sample().catch(warn('Sampling database health failed'));
		};
		const unsubscribe = ctx.db.subscribe((tables) => {
			if (tables.some((t) => !HEALTH_TABLES.has(t))) evaluate();
		});
		evaluate();
		const first = setTimeout(sample, FIRST_SAMPLE_AFTER_MS);
		const timer = setInterval(sample, SAMPLE_EVERY_MS);
		return () => {
			unsubscribe();
			evaluate.cancel();
			clearTimeout(first);
			clearInterval(timer);
			delete ctx.services.health;
			delete ctx.services.maintenance;
		};
	},
};

const POLL_TELEGRAM_EVERY_MS = 30_000;

/** Telegram: deliver the outbox as it fills, and look for new chats with short polls. */
export const runTelegram: OwnerJob = {
	name: 'telegram',
	start(ctx) {
		const env = { ...workerEnv(ctx.report), notify: ctx.services.notifications?.notify };
		const dispatcher = new Dispatcher(ctx.db, env);
		ctx.services.telegram = dispatcher;
		const unsubscribe = ctx.db.subscribe((tables) => {
			if (['outbox', 'telegram_chats', 'channels'].some((t) => tables.includes(t)))
				dispatcher.kick();
		});
		// Alerts through bots whose token is sealed wait for the passphrase.
		const stopUnlock = vault.onUnlock(() => dispatcher.kick());
		const onNetwork = () => dispatcher.kick();
		addEventListener('online', onNetwork);
		dispatcher
			.start()
			.catch((error: unknown) => ctx.report('Starting Telegram delivery failed', error));
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
	compactHistory,
	watchHealth,
	runTelegram,
];

export function startJobs(ctx: HandlerContext, jobs: readonly OwnerJob[] = OWNER_JOBS): () => void {
	const stops = jobs.map((job) => job.start(ctx));
	return () => {
		for (const stop of stops) stop();
	};
}
