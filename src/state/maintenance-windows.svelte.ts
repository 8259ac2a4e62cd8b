/**
 * The maintenance windows, kept fresh from change notices, with what the UI says about them: what a
 * window covers and its current or next occurrence, and where one monitor stands.
 */
import type { DbClient } from '../client/db-client';
import {
	WEEKDAY_NAMES,
	type MaintenanceWindow,
	type MaintenanceWindowInput,
	type Occurrence,
} from '../shared/maintenance';
import { currentOrNext } from '../shared/maintenance-occurrences';
import { isTimeZone, minuteText } from '../shared/zoned-time';
import { reportError } from './notices.svelte';

export class MaintenanceWindowsState {
	readonly #db: DbClient;
	#items = $state.raw<MaintenanceWindow[] | null>(null);
	#loaded = false;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', ({ tables }) => {
			if (this.#loaded && tables.some((t) => t.startsWith('maintenance_'))) void this.load();
		});
	}

	/** Null until first loaded. */
	get items(): MaintenanceWindow[] | null {
		return this.#items;
	}

	async load(): Promise<void> {
		try {
			this.#items = await this.#db.call('windows.list');
			this.#loaded = true;
		} catch (error) {
			reportError(error, 'Loading maintenance windows');
		}
	}

	/** Creates (no id) or edits a window; an invalid one throws `invalid-input` with its fields. */
	async save(input: MaintenanceWindowInput, id: number | null): Promise<MaintenanceWindow> {
		const saved =
			id === null
				? await this.#db.call('windows.create', input)
				: await this.#db.call('windows.update', { id, input });
		await this.load();
		return saved;
	}

	async remove(id: number): Promise<void> {
		await this.#db.call('windows.delete', { id });
		await this.load();
	}

	/** The next occurrence a monitor is covered by (or the one it is in), and its window. */
	nextFor(
		monitorId: number,
		now: number,
	): { window: MaintenanceWindow; occurrence: Occurrence } | null {
		let best: { window: MaintenanceWindow; occurrence: Occurrence } | null = null;
		for (const window of this.#items ?? []) {
			if (!window.allMonitors && !window.monitorIds.includes(monitorId)) continue;
			const occurrence = occurrenceOf(window, now);
			if (occurrence && (!best || occurrence.start < best.occurrence.start))
				best = { window, occurrence };
		}
		return best;
	}
}

/** The window's current or next occurrence; null when it is over (or its zone is unknown here). */
export function occurrenceOf(window: MaintenanceWindow, now: number): Occurrence | null {
	return isTimeZone(window.timeZone) ? currentOrNext(window, now) : null;
}

/** "Mon, Wed 23:00–01:00 (next day), Europe/Berlin" or the one-off's dates. */
export function scheduleText(window: MaintenanceWindow, format: (t: number) => string): string {
	if (window.kind === 'once')
		return `${format(window.startsAt ?? 0)} – ${format(window.endsAt ?? 0)}`;
	const days = window.days.map((d) => WEEKDAY_NAMES[d - 1]).join(', ');
	const start = window.startMinute ?? 0;
	const end = window.endMinute ?? 0;
	const overnight = end <= start ? ' (next day)' : '';
	return `Every ${days}, ${minuteText(start)}–${minuteText(end)}${overnight}, ${window.timeZone}`;
}
