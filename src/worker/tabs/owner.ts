/**
 * What a worker runs while it owns the database: the live database, the owner-only jobs, and the
 * serving of calls, its own page's and other windows'.
 */
import type { ArgsOf, Method, Phase } from '../../shared/api';
import { compareBuilds, type BuildInfo } from '../../shared/build';
import type { SaveStatus } from '../../shared/database';
import { AppError, toWireError } from '../../shared/errors';
import type { LiveDatabase } from '../database';
import { dispatch, type HandlerContext } from '../handlers';
import { startJobs, type OwnerJob } from '../jobs';
import type { CallResult } from './protocol';

export class OwnerRuntime {
	readonly #ctx: HandlerContext;
	readonly #build: BuildInfo;
	readonly #stopJobs: () => void;
	#stopped = false;

	constructor(
		db: LiveDatabase,
		build: BuildInfo,
		options: { now?: () => number; jobs?: readonly OwnerJob[] } = {},
	) {
		this.#ctx = { db, now: options.now ?? Date.now, services: {} };
		this.#build = build;
		this.#stopJobs = startJobs(this.#ctx, options.jobs);
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
			const value = await dispatch(this.#ctx, method, args as ArgsOf<typeof method>, rid);
			return { ok: true, value };
		} catch (error) {
			return { ok: false, error: toWireError(error) };
		}
	}

	stop(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		this.#stopJobs();
	}
}
