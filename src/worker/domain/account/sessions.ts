/**
 * Sessions, one per window: a window unlocked (by its own passphrase, or by joining while another window
 * has unlocked the app) has a row in `sessions` until it locks, the app locks, or the owner ends it from
 * another window. Ending a window's session locks that window only: it takes no call but the lock
 * screen's until the passphrase is entered there. Windows are told apart by their worker's id (the
 * request ids of their calls start with it). Ended sessions are deleted SESSION_KEEP_DAYS after they
 * were last active. All writes here run inside the caller's transaction.
 */
import { SESSION_KEEP_DAYS, type SessionEnd, type SessionInfo } from '../../../shared/account';
import { AppError } from '../../../shared/errors';
import type { Engine } from '../../core/engine';
import {
	endSession,
	listSessions,
	rotateSessions,
	startSession,
	touchSession,
} from '../../stores/account';

const DAY_MS = 86_400_000;
const LISTED = 50;

export class WindowSessions {
	/** Open sessions by window. */
	readonly #open = new Map<string, number>();
	/** When each window was last active, in memory (saved at most every minute). */
	readonly #seen = new Map<string, number>();
	/** Windows whose session the owner ended: locked until the passphrase is entered there. */
	readonly #ended = new Set<string>();

	isEnded(window: string): boolean {
		return this.#ended.has(window);
	}

	has(window: string): boolean {
		return this.#open.has(window);
	}

	get count(): number {
		return this.#open.size;
	}

	/** Starts `window`'s session (ending one it had), and deletes sessions past their keeping time. */
	start(engine: Engine, window: string, now: number, browser: string): void {
		this.end(engine, window, 'closed', now);
		this.#ended.delete(window);
		this.#open.set(window, startSession(engine, now, browser.slice(0, 200), window));
		this.#seen.set(window, now);
		rotateSessions(engine, now - SESSION_KEEP_DAYS * DAY_MS);
	}

	end(engine: Engine, window: string, how: SessionEnd, now: number): boolean {
		const id = this.#open.get(window);
		if (id === undefined) return false;
		endSession(engine, id, how, now, this.#seen.get(window) ?? 0);
		this.#open.delete(window);
		this.#seen.delete(window);
		return true;
	}

	/** The app locked, or lost its passphrase: every window's session ends. */
	endAll(engine: Engine, how: SessionEnd, now: number): boolean {
		const windows = [...this.#open.keys()];
		for (const window of windows) this.end(engine, window, how, now);
		if (how === 'passphrase-removed') this.#ended.clear();
		return windows.length > 0;
	}

	/** Notes activity; returns the session to touch when the last save is old enough. */
	seen(window: string, now: number, saveEveryMs: number): number | null {
		const id = this.#open.get(window);
		if (id === undefined) return null;
		const last = this.#seen.get(window) ?? 0;
		this.#seen.set(window, now);
		return now - last >= saveEveryMs ? id : null;
	}

	touch(engine: Engine, id: number, now: number): void {
		touchSession(engine, id, now);
	}

	/** Ends another window's session; that window locks. Refuses the asker's own (that is "Lock"). */
	endOther(engine: Engine, id: number, asker: string, now: number): void {
		const window = [...this.#open].find(([, session]) => session === id)?.[0];
		if (window === undefined) throw new AppError('not-found', 'That session has ended already.');
		if (window === asker)
			throw new AppError('invalid-input', 'This is the session of this window: use Lock instead.');
		this.end(engine, window, 'ended', now);
		this.#ended.add(window);
	}

	/** This window asks to stay locked (its session was ended before a reload); no engine: read-only. */
	markEnded(engine: Engine | null, window: string, now: number): void {
		if (engine) this.end(engine, window, 'ended', now);
		this.#ended.add(window);
	}

	/** The passphrase was entered in `window` on a read-only database (no session is recorded there). */
	forgive(window: string): void {
		this.#ended.delete(window);
	}

	list(engine: Engine, asker: string): SessionInfo[] {
		const mine = this.#open.get(asker);
		const rows = listSessions(engine, LISTED);
		// The asking window's own session first, then the others as listed.
		rows.sort((a, b) => Number(b.id === mine) - Number(a.id === mine));
		return rows.map((row) => ({
			id: row.id,
			startedAt: row.started_at,
			lastActiveAt: Math.max(row.last_active_at, this.#lastSeen(row.id) ?? 0),
			endedAt: row.ended_at,
			endedHow: row.ended_how,
			browser: row.browser,
			current: row.id === mine,
		}));
	}

	#lastSeen(id: number): number | undefined {
		const window = [...this.#open].find(([, session]) => session === id)?.[0];
		return window === undefined ? undefined : this.#seen.get(window);
	}
}
