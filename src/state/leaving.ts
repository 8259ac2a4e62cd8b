/**
 * Leaving the page: when it is hidden (the person switched away, or the tab is closing) or shown again
 * (they may have freed space meanwhile), this window's worker is asked to save now, even a save waiting
 * for its retry; and while changes made here are not saved yet, closing the tab asks "Leave site?"
 * first. Only the window that saves the database asks:
 * another window's changes are in that window, which stays open.
 */
import type { DbClient } from '../client/db-client';
import type { SaveStatus } from '../shared/database';

export function guardLeaving(db: Pick<DbClient, 'call'>, save: () => SaveStatus): void {
	const unsaved = () => {
		const status = save();
		return status.savedBy === 'this-window' && status.pending > 0;
	};
	const saveNow = () => {
		// The save indicator and its banner tell how it ends.
		if (unsaved()) db.call('database.flush').catch(() => {});
	};
	// Hidden: this may be the last chance. Shown again: the person may have freed space meanwhile.
	document.addEventListener('visibilitychange', saveNow);
	addEventListener('pagehide', saveNow);
	addEventListener('beforeunload', (event) => {
		if (!unsaved()) return;
		saveNow();
		event.preventDefault(); // the browser asks the person whether to leave
	});
}
