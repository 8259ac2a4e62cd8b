/** The calm "export a copy" reminder: when it is due (src/shared/backup-reminder.ts) and its snooze. */
import { evictsUnusedSiteData } from '../client/storage-manager';
import { backupReminder, SNOOZE_DAYS, type ReminderReason } from '../shared/backup-reminder';
import type { DatabaseState } from './database.svelte';
import type { MonitorsState } from './monitors.svelte';

const SNOOZE_KEY = 'monitor.backupReminder.snoozedUntil';

/** The snooze is a preference of this browser, not data: localStorage, not the database. */
function readSnooze(): number | null {
	try {
		const value = Number(localStorage.getItem(SNOOZE_KEY));
		return value > 0 ? value : null;
	} catch {
		return null;
	}
}

export class BackupReminderState {
	readonly #database: DatabaseState;
	readonly #monitors: MonitorsState;
	readonly #now: () => number;
	readonly #evicts = evictsUnusedSiteData();
	#snoozedUntil = $state<number | null>(readSnooze());

	constructor(database: DatabaseState, monitors: MonitorsState, now: () => number = Date.now) {
		this.#database = database;
		this.#monitors = monitors;
		this.#now = now;
	}

	readonly #reason = $derived.by((): ReminderReason | null => {
		const status = this.#database.status;
		if (!status || !this.#monitors.loaded) return null;
		return backupReminder({
			now: this.#now(),
			lastExportAt: status.lastExportAt,
			since: status.migrations.entries.find((e) => e.appliedAt !== null)?.appliedAt ?? null,
			hasData: this.#monitors.items.length > 0,
			evicts: this.#evicts,
			snoozedUntil: this.#snoozedUntil,
		});
	});

	/** Why to remind now, or null. */
	get reason(): ReminderReason | null {
		return this.#reason;
	}

	snooze(): void {
		const until = this.#now() + SNOOZE_DAYS * 24 * 60 * 60 * 1000;
		this.#snoozedUntil = until;
		try {
			localStorage.setItem(SNOOZE_KEY, String(until));
		} catch {
			// Storage blocked: the reminder stays hidden for this visit only.
		}
	}
}
