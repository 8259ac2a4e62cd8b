/**
 * The import's "Merge" way, beside "Replace" (file-transfer.svelte.ts owns the import itself): the
 * preview the worker computes for the file waiting under a token, asked again whenever the person
 * changes who wins a conflict or the settings, and the choices sent with the merge.
 */
import type { DbClient } from '../client/db-client';
import {
	DEFAULT_MERGE_CHOICES,
	type MergeChoices,
	type MergePreview,
	type MergeWinner,
	skippedSecretsMessage,
} from '../shared/merge';
import { describeError } from './notices.svelte';

export type ImportWay = 'replace' | 'merge';

export class MergeImportState {
	readonly #db: DbClient;
	#way = $state<ImportWay>('replace');
	#token: string | null = null;
	#preview = $state.raw<MergePreview | null>(null);
	#choices = $state.raw<MergeChoices>(DEFAULT_MERGE_CHOICES);
	#loading = $state(false);
	#error = $state<string | null>(null);
	/** Bumped per request, so only the answer to the newest choices is shown. */
	#asked = 0;

	constructor(db: DbClient) {
		this.#db = db;
	}

	get way(): ImportWay {
		return this.#way;
	}

	get preview(): MergePreview | null {
		return this.#preview;
	}

	get choices(): MergeChoices {
		return this.#choices;
	}

	get loading(): boolean {
		return this.#loading;
	}

	get error(): string | null {
		return this.#error;
	}

	/** A new file waits (or none): back to Replace, nothing previewed. */
	reset(token: string | null): void {
		this.#token = token;
		this.#way = 'replace';
		this.#preview = null;
		this.#choices = DEFAULT_MERGE_CHOICES;
		this.#error = null;
		this.#loading = false;
		this.#asked++;
	}

	choose(way: ImportWay): void {
		this.#way = way;
		if (way === 'merge' && !this.#preview) void this.#load();
	}

	pickMonitor(fileId: number, winner: MergeWinner): void {
		this.#choices = {
			...this.#choices,
			monitors: { ...this.#choices.monitors, [fileId]: winner },
		};
		void this.#load();
	}

	pickSettings(winner: MergeWinner): void {
		this.#choices = { ...this.#choices, settings: winner };
		void this.#load();
	}

	/** Merges the waiting file with the current choices; resolves with what to tell the person. */
	async commit(token: string, passphrase: string | null): Promise<string> {
		const { safety, report, merged } = await this.#db.call('import.merge', {
			token,
			choices: this.#choices,
			passphrase,
		});
		const { monitors, checks } = report;
		const skipped = skippedSecretsMessage(report.secretsSkipped);
		return (
			`Merged “${merged.filename}”: ${monitors.new} monitor${monitors.new === 1 ? '' : 's'} added (paused), ` +
			`${monitors.matched} joined, ${checks.added.toLocaleString()} checks added. ` +
			`The database as it was before is backup #${safety.id}.${skipped ? ` ${skipped}` : ''}`
		);
	}

	async #load(): Promise<void> {
		const token = this.#token;
		if (!token) return;
		const asked = ++this.#asked;
		this.#loading = true;
		this.#error = null;
		try {
			const preview = await this.#db.call('import.previewMerge', {
				token,
				choices: this.#choices,
			});
			if (asked === this.#asked) this.#preview = preview;
		} catch (error) {
			if (asked === this.#asked) this.#error = describeError(error);
		} finally {
			if (asked === this.#asked) this.#loading = false;
		}
	}
}
