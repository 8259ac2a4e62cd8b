/**
 * The activity log as the Database page shows it: newest first, a page at a time, filtered by kind,
 * refreshed when entries land, and saved as CSV or JSON (read from the worker a large page at a time).
 */
import type { DbClient } from '../client/db-client';
import { saveTextFile } from '../client/files';
import {
	ACTIVITY_PAGE_MAX,
	activityCsv,
	activityFilename,
	type ActivityEntry,
	type ActivityKind,
} from '../shared/activity';
import { notices, reportError } from './notices.svelte';

export class ActivityState {
	readonly #db: DbClient;
	#entries = $state.raw<ActivityEntry[]>([]);
	#more = $state(false);
	#kind = $state<ActivityKind | null>(null);
	#days = $state<number | null>(null);
	#shown = false;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', ({ tables }) => {
			if (this.#shown && tables.includes('app_log')) void this.load();
		});
	}

	get entries(): ActivityEntry[] {
		return this.#entries;
	}

	get more(): boolean {
		return this.#more;
	}

	get kind(): ActivityKind | null {
		return this.#kind;
	}

	get days(): number | null {
		return this.#days;
	}

	/** Kept fresh while a view shows it; returns the cleanup for `$effect`. */
	watch(): () => void {
		this.#shown = true;
		void this.load();
		void this.#db.call('activity.days').then(
			({ days }) => (this.#days = days),
			(error: unknown) => reportError(error, 'Reading the activity log settings'),
		);
		return () => (this.#shown = false);
	}

	async setKind(kind: ActivityKind | null): Promise<void> {
		this.#kind = kind;
		await this.load();
	}

	/** The first page again (after a filter change or new entries). */
	async load(): Promise<void> {
		try {
			const page = await this.#db.call('activity.list', this.#query());
			this.#entries = page.entries;
			this.#more = page.more;
		} catch (error) {
			reportError(error, 'Reading the activity log');
		}
	}

	async loadMore(): Promise<void> {
		const last = this.#entries.at(-1);
		if (!last) return;
		try {
			const page = await this.#db.call('activity.list', { ...this.#query(), beforeId: last.id });
			this.#entries = [...this.#entries, ...page.entries];
			this.#more = page.more;
		} catch (error) {
			reportError(error, 'Reading the activity log');
		}
	}

	async setDays(days: number): Promise<void> {
		this.#days = (await this.#db.call('activity.setDays', { days })).days;
		notices.push('info', `The activity log keeps ${this.#days} days.`);
	}

	/** Saves every entry that matches the filter; the picker opens at once (it needs the click). */
	async save(format: 'csv' | 'json'): Promise<void> {
		const text = this.#all().then((entries) =>
			format === 'csv' ? activityCsv(entries) : `${JSON.stringify(entries, null, 2)}\n`,
		);
		try {
			await saveTextFile(
				activityFilename(Date.now(), format),
				text,
				format === 'csv' ? 'text/csv' : 'application/json',
			);
		} catch (error) {
			if (error instanceof DOMException && error.name === 'AbortError') return;
			reportError(error, 'Saving the activity log');
		}
	}

	async #all(): Promise<ActivityEntry[]> {
		const all: ActivityEntry[] = [];
		for (;;) {
			const page = await this.#db.call('activity.list', {
				...this.#query(),
				limit: ACTIVITY_PAGE_MAX,
				beforeId: all.at(-1)?.id,
			});
			all.push(...page.entries);
			if (!page.more) return all;
		}
	}

	#query() {
		return this.#kind ? { kind: this.#kind } : {};
	}
}
