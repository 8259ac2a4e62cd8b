/**
 * The monitor list as the UI sees it: each monitor with its state and latest checks. It is kept fresh
 * while the list is on screen (`watch`); otherwise checks landing only mark it stale, because rereading
 * 200 monitors on every check nobody sees cost the page most of its time. Added, edited or deleted
 * monitors are reread at once (other views count them). With per-monitor change notices only the
 * monitors that changed are reread.
 */
import { untrack } from 'svelte';
import type { DbClient } from '../client/db-client';
import type { MonitorOverview } from '../shared/history';
import type { Monitor, MonitorInput } from '../shared/monitors';
import type { BulkAction } from '../shared/tags';
import { listScope, mergeOverviews, showsAtOnce } from './monitor-changes';
import { notices, reportError } from './notices.svelte';
import { Reloader } from './reloader';

export class MonitorsState {
	readonly #db: DbClient;
	#items = $state.raw<MonitorOverview[]>([]);
	#loaded = $state(false);
	#pausedByImport = $state(0);
	readonly #reloader: Reloader;
	#watchers = 0;
	#stale = false;
	/** What the next load rereads: null for all of it, or these monitors. */
	#wanted: number[] | null = null;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 500);
		db.on('changed', (change) => {
			if (!this.#loaded) return;
			// An import's list of monitors it paused is a setting.
			if (change.tables.includes('settings'))
				void this.#readPausedByImport().catch((e: unknown) => reportError(e, 'Loading monitors'));
			const scope = listScope(change);
			if (scope === 'none') return;
			if (this.#watchers === 0 && !change.tables.includes('monitors')) {
				this.#stale = true;
				return;
			}
			this.#want(scope);
			void (showsAtOnce(change) ? this.#reloader.now() : this.#reloader.request());
		});
	}

	get items(): MonitorOverview[] {
		return this.#items;
	}

	/** Monitors the last import paused that are still paused. */
	get pausedByImport(): number {
		return this.#pausedByImport;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	/** The list is on screen until the returned function is called: keep it fresh meanwhile. */
	watch(): () => void {
		return untrack(() => {
			this.#watchers++;
			if (!this.#loaded || this.#stale) void this.load();
			let watching = true;
			return () => {
				if (watching) this.#watchers--;
				watching = false;
			};
		});
	}

	/** Loads all of it now (the list is shown, or the person changed a monitor and waits to see it). */
	load(): Promise<void> {
		this.#want('all');
		return this.#reloader.now();
	}

	#want(scope: 'all' | number[]): void {
		if (scope === 'all') this.#wanted = null;
		else if (this.#wanted !== null && this.#loaded) this.#wanted.push(...scope);
	}

	async #fetch(): Promise<void> {
		const wanted = this.#wanted?.filter((id, i, all) => all.indexOf(id) === i) ?? null;
		this.#wanted = [];
		if (wanted?.length === 0) return;
		try {
			if (wanted === null) this.#stale = false;
			const [read] = await Promise.all([
				this.#db.call('monitors.overview', wanted ? { ids: wanted } : undefined),
				wanted === null ? this.#readPausedByImport() : undefined,
			]);
			const merged = mergeOverviews(this.#items, read, wanted);
			this.#items = merged.items;
			if (!merged.complete) {
				this.#want('all');
				void this.#reloader.request();
			}
		} catch (error) {
			if (wanted === null) this.#stale = true;
			else this.#wanted?.push(...wanted);
			reportError(error, 'Loading monitors');
		} finally {
			this.#loaded = true;
		}
	}

	async #readPausedByImport(): Promise<void> {
		this.#pausedByImport = (await this.#db.call('import.pausedMonitors')).monitors;
	}

	/** Creates or updates; errors are thrown so the form can show field messages. */
	async save(input: MonitorInput, id?: number): Promise<Monitor> {
		const saved =
			id === undefined
				? await this.#db.call('monitors.create', input)
				: await this.#db.call('monitors.update', { id, input });
		await this.load();
		return saved;
	}

	async remove(id: number): Promise<void> {
		try {
			await this.#db.call('monitors.delete', { id });
			await this.load();
		} catch (error) {
			reportError(error, 'Deleting the monitor');
		}
	}

	async setEnabled(id: number, enabled: boolean): Promise<void> {
		try {
			await this.#db.call('monitors.setEnabled', { id, enabled });
			await this.load();
		} catch (error) {
			reportError(error, enabled ? 'Resuming the monitor' : 'Pausing the monitor');
		}
	}

	/** One action on the selected monitors; returns how many it changed (0 after a reported failure). */
	async bulk(ids: number[], action: BulkAction): Promise<number> {
		try {
			const { changed } = await this.#db.call('monitors.bulk', { ids, action });
			await this.load();
			return changed;
		} catch (error) {
			reportError(error, 'Changing the selected monitors');
			return 0;
		}
	}

	/** "Resume all" after an import: the monitors it paused run again. */
	async resumeImported(): Promise<void> {
		try {
			const { resumed } = await this.#db.call('import.resumeMonitors');
			notices.push('info', `Resumed ${resumed} monitor${resumed === 1 ? '' : 's'}.`);
			await this.load();
		} catch (error) {
			reportError(error, 'Resuming the imported monitors');
		}
	}

	async checkNow(id: number): Promise<void> {
		try {
			await this.#db.call('checks.runNow', { id });
		} catch (error) {
			reportError(error, 'Starting a check');
		}
	}
}
