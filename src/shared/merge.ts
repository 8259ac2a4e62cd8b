/**
 * Merging another device's database into this one (the import's "Merge" way), as the page and the
 * worker both see it: the person's choices and the preview of what a merge adds.
 */
import { AppError } from './errors';

/** Which side wins where both have a value: this database's ("mine") or the file's ("theirs"). */
export type MergeWinner = 'mine' | 'theirs';

export interface MergeChoices {
	/** The app settings (retention, template, thresholds…): this database's unless "theirs". */
	settings: MergeWinner;
	/** Per conflicting monitor, by its id in the file: whose settings it keeps ("mine" unless said). */
	monitors: Record<number, MergeWinner>;
}

export const DEFAULT_MERGE_CHOICES: MergeChoices = { settings: 'mine', monitors: {} };

/** One setting of a monitor that differs between the two sides. */
export interface FieldDifference {
	field: string;
	mine: string;
	theirs: string;
}

/** What a merge does with one monitor of the file. */
export interface MergedMonitor {
	/** Its id in the file (what `MergeChoices.monitors` is keyed by). */
	fileId: number;
	name: string;
	method: string;
	url: string;
	/**
	 * `new`: added (paused); `matched`: same method and URL as one here, its history joined;
	 * `skipped`: same method and URL, and nothing of it is missing here (already merged, or a
	 * second monitor of the file with the same method and URL).
	 */
	outcome: 'new' | 'matched' | 'skipped';
	/** Checks this database has of it, the file has of it, and the file adds (not already here). */
	checksHere: number;
	checksInFile: number;
	checksAdded: number;
	eventsAdded: number;
	/** Settings that differ (name, interval, timeout…); empty when none or when it is new. */
	differences: FieldDifference[];
	winner: MergeWinner;
}

export interface MergeReport {
	monitors: { new: number; matched: number; skipped: number };
	/**
	 * Checks of this database's monitors it alone has (`hereOnly`), checks the file adds (`added`),
	 * and checks both have, kept once (`shared`).
	 */
	checks: { hereOnly: number; added: number; shared: number };
	events: number;
	bots: { added: number; matched: number };
	chats: { added: number; matched: number };
	/** Settings whose values differ, by key, and which side's are kept. */
	settings: { differing: string[]; winner: MergeWinner };
	/** Secrets of the file that cannot be read here (sealed with a passphrase not given): left out. */
	secretsSkipped: { monitors: number; bots: number };
	/** The file's monitors, one by one (conflicts first, then by name). */
	list: MergedMonitor[];
}

export interface MergePreview {
	report: MergeReport;
	/** The file's monitors that differ from this database's, which the person may let win. */
	conflicts: number;
}

/** The sentence shown for secrets a merge leaves out, or null when none. */
export function skippedSecretsMessage(skipped: MergeReport['secretsSkipped']): string | null {
	const parts = [
		skipped.monitors > 0 ? `${skipped.monitors} monitor header or body value(s)` : null,
		skipped.bots > 0 ? `${skipped.bots} bot token(s)` : null,
	].filter((p): p is string => p !== null);
	if (parts.length === 0) return null;
	return (
		`${parts.join(' and ')} of the file are sealed with a passphrase that was not given, so they ` +
		'cannot be read here: they are left out and marked to be entered again.'
	);
}

/** The choices as sent over the wire, checked; missing ones are "mine". */
export function parseMergeChoices(value: unknown): MergeChoices {
	if (value === undefined || value === null) return DEFAULT_MERGE_CHOICES;
	const { settings, monitors } = value as { settings?: unknown; monitors?: unknown };
	const winner = (v: unknown): MergeWinner => {
		if (v === undefined || v === 'mine') return 'mine';
		if (v === 'theirs') return 'theirs';
		throw new AppError('invalid-input', 'A merge choice is “mine” or “theirs”.');
	};
	const chosen: Record<number, MergeWinner> = {};
	if (monitors !== undefined) {
		if (typeof monitors !== 'object' || monitors === null || Array.isArray(monitors))
			throw new AppError('invalid-input', 'Merge choices name monitors by their id in the file.');
		for (const [id, v] of Object.entries(monitors)) {
			if (!/^[1-9][0-9]{0,15}$/.test(id))
				throw new AppError('invalid-input', 'Merge choices name monitors by their id in the file.');
			chosen[Number(id)] = winner(v);
		}
	}
	return { settings: winner(settings), monitors: chosen };
}
