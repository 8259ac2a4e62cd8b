/**
 * Background failures on their way to the person: each becomes a notice in every window (the UI's
 * notices funnel) and a console line. A job that fails on every run (a full disk, a broken table) would
 * repeat the same notice every few seconds, so one failure of one kind is told once per window of time.
 */
import { backgroundNotice, type BackgroundNotice } from '../../shared/errors';

/** The same work failing in the same way is told again after this long, not before. */
export const REPEAT_AFTER_MS = 10 * 60 * 1000;

export function backgroundReporter(
	emit: (notice: BackgroundNotice) => void,
	now: () => number,
): (what: string, error: unknown) => void {
	const lastTold = new Map<string, number>();
	return (what, error) => {
		console.warn(what, error);
		const notice = backgroundNotice(what, error);
		const key = `${notice.what}\n${notice.code}`;
		const last = lastTold.get(key);
		if (last !== undefined && now() - last < REPEAT_AFTER_MS) return;
		lastTold.set(key, now());
		emit(notice);
	};
}
