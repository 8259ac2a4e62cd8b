/**
 * The Database page's migration tools: "Reset from here" (the seed's migration-reset, kept data and
 * all) and "Dry run pending migrations". Their reports are the seed's text, shown on the page; a
 * refused reset shows its reason there too, and nothing was changed.
 */
import type { DbClient } from '../client/db-client';
import { AppError } from '../shared/errors';
import { dryRunLines, resetLines } from '../shared/migration-report';
import type { BackupsState } from './backups.svelte';
import { describeError, notices, reportError } from './notices.svelte';

export interface MigrationOutcome {
	kind: 'reset' | 'dry-run' | 'refused' | 'failed';
	title: string;
	lines: string[];
}

export class MigrationsState {
	readonly #db: DbClient;
	readonly #backups: BackupsState;
	#busy = $state<'reset' | 'dry-run' | null>(null);
	#outcome = $state.raw<MigrationOutcome | null>(null);

	constructor(db: DbClient, backups: BackupsState) {
		this.#db = db;
		this.#backups = backups;
	}

	get busy(): 'reset' | 'dry-run' | null {
		return this.#busy;
	}

	/** The last reset's or dry run's report, or a refusal's reason. */
	get outcome(): MigrationOutcome | null {
		return this.#outcome;
	}

	dismiss(): void {
		this.#outcome = null;
	}

	async reset(migration: string): Promise<void> {
		this.#busy = 'reset';
		this.#outcome = null;
		try {
			const report = await this.#db.call('migrations.reset', { migration });
			this.#outcome = {
				kind: 'reset',
				title: `Reset from ${report.migration}; the database before it is backup #${String(report.backupId)}`,
				lines: resetLines(report),
			};
			notices.push('info', `Reset from ${report.migration} done; every row was kept.`);
		} catch (error) {
			if (error instanceof AppError && error.code === 'migration-reset-refused') {
				this.#outcome = {
					kind: 'refused',
					title: `Reset from ${migration} refused`,
					lines: [describeError(error)],
				};
			} else reportError(error, `Resetting from ${migration}`);
		} finally {
			this.#busy = null;
			await this.#backups.load();
		}
	}

	async dryRun(): Promise<void> {
		this.#busy = 'dry-run';
		this.#outcome = null;
		try {
			const report = await this.#db.call('migrations.dryRun');
			this.#outcome = {
				kind: 'dry-run',
				title: '🧪 Dry run on a copy of the database: nothing was written',
				lines: dryRunLines(report),
			};
		} catch (error) {
			// Finding the failure without touching the database is what a dry run is for.
			this.#outcome = {
				kind: 'failed',
				title: '🧪 Dry run on a copy of the database: it would fail; nothing was written',
				lines: [describeError(error)],
			};
		} finally {
			this.#busy = null;
		}
	}
}
