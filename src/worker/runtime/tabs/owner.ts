/**
 * What a worker runs while it owns the database: the live database, the owner-only jobs, and the
 * serving of calls, its own page's and other windows'.
 */
import type { ArgsOf, Method, Phase } from '../../../shared/api';
import { compareBuilds, type BuildInfo } from '../../../shared/build';
import type { SaveStatus } from '../../../shared/database';
import { AppError, toWireError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';
import { dispatch, type HandlerContext } from '../handlers';
import { startJobs, type OwnerJob } from '../jobs';
import { Account } from '../../domain/account/account';
import type { CallResult, Handover, RelayEvent } from './protocol';
import { noteActivity, type ActivityInput } from '../../domain/activity/log';
import { backgroundReporter } from '../background-notices';
import { NotificationBridge } from '../notification-bridge';

const OPEN_WHILE_LOCKED = new Set<Method>([
	'account.status',
	'account.unlock',
	'account.resetForgotten',
	'account.lockWindow',
	'database.saveStatus',
	'database.flush',
	// Alerts go on while the app is locked, browser notifications included.
	'notifications.shown',
]);

export class OwnerRuntime {
	readonly #ctx: HandlerContext;
	readonly #build: BuildInfo;
	readonly #stopJobs: () => void;
	#stopped = false;

	constructor(
		db: LiveDatabase,
		build: BuildInfo,
		options: {
			now?: () => number;
			jobs?: readonly OwnerJob[];
			emit?: RelayEvent;
			browser?: string;
			/** Another window had the database until now: told in the activity log. */
			handover?: Handover;
		} = {},
	) {
		const now = options.now ?? Date.now;
		const account = new Account(db, {
			now,
			browser: options.browser,
			onStatus: (status) => options.emit?.('account', status),
		});
		const report = backgroundReporter((notice) => {
			options.emit?.('notice', notice);
			// Told at most once per failure and ten minutes, so the log does not fill with repeats.
			void noteActivity(db, now(), {
				kind: 'job',
				level: 'error',
				message: `${notice.what}: ${notice.message}`,
				details: { code: notice.code },
			});
		}, now);
		const notifications = new NotificationBridge((request) => options.emit?.('notify', request));
		this.#ctx = { db, now, services: { account, notifications }, report };
		this.#build = build;
		this.#stopJobs = startJobs(this.#ctx, options.jobs);
		if (options.handover) void noteActivity(db, now(), handoverEntry(options.handover));
		void account.start().catch((error: unknown) => report('Starting the account failed', error));
	}

	get phase(): Phase {
		return { phase: 'ready', role: 'owner', readOnly: this.#ctx.db.readOnly !== null };
	}

	get saveStatus(): SaveStatus {
		return this.#ctx.db.persister.status();
	}

	/** Runs a call; `callerBuild` is the build of the window that made it (this one's for local calls). */
	async serve(
		rid: string,
		method: Method,
		args: unknown,
		callerBuild: BuildInfo,
	): Promise<CallResult> {
		try {
			if (this.#stopped) throw new AppError('not-owner');
			const order = compareBuilds(callerBuild, this.#build);
			// An older window must reload; a newer one is about to take over and will send the call again.
			if (order < 0) throw new AppError('app-outdated');
			if (order > 0) throw new AppError('not-owner');
			// The request id starts with the id of the calling window's worker (tabs/tab.ts).
			const window = rid.includes(':') ? rid.slice(0, rid.indexOf(':')) : rid;
			// While locked only the lock screen's calls are answered: the lock must hold for a console too.
			// A window whose session was ended is locked alone.
			if (this.#ctx.services.account?.lockedFor(window) && !OPEN_WHILE_LOCKED.has(method))
				throw new AppError('app-locked');
			const ctx = { ...this.#ctx, window };
			const value = await dispatch(ctx, method, args as ArgsOf<typeof method>, rid);
			return { ok: true, value };
		} catch (error) {
			return { ok: false, error: toWireError(error) };
		}
	}

	stop(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		this.#stopJobs();
		this.#ctx.services.account?.stop();
	}
}

function handoverEntry(handover: 'closed' | 'frozen'): ActivityInput {
	return {
		kind: 'owner',
		level: handover === 'frozen' ? 'warn' : 'info',
		message:
			handover === 'frozen'
				? 'This window took the database over from a window that stopped answering (frozen or suspended); that window must reload.'
				: 'This window took the database over from a window that closed.',
		details: { handover },
	};
}
