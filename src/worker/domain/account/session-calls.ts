/**
 * The calls about windows' sessions (sessions.ts keeps them): a window joining an unlocked app, a window
 * leaving, the list the Security card shows, ending another window's session, and a reloaded window
 * asking to stay locked. The account (account.ts) is their host: its passphrase, its lock, its status.
 */
import type { AccountStatus, SessionInfo } from '../../../shared/account';
import { AppError } from '../../../shared/errors';
import type { LiveDatabase } from '../../core/database/live-database';
import { hasAccountTables } from '../../stores/account';
import { recordActivity } from '../activity/log';
import type { WindowSessions } from './sessions';

export interface SessionHost {
	readonly db: LiveDatabase;
	/** A passphrase is set. */
	hasUser(): boolean;
	lockedFor(window: string): boolean;
	now(): number;
	browser: string;
	/** Tells every window the account changed. */
	emit(): void;
	status(window: string): AccountStatus;
}

export class SessionCalls {
	readonly #h: SessionHost;
	readonly #s: WindowSessions;

	constructor(host: SessionHost, sessions: WindowSessions) {
		this.#h = host;
		this.#s = sessions;
	}

	/** A window open while the app is unlocked joins with a session of its own. */
	async join(window: string): Promise<AccountStatus> {
		const joins =
			this.#h.hasUser() &&
			!this.#h.lockedFor(window) &&
			!this.#s.has(window) &&
			!this.#h.db.readOnly;
		if (joins) {
			await this.#h.db.write(() =>
				this.#s.start(this.#h.db.engine, window, this.#h.now(), this.#h.browser),
			);
			// Every window's Security card lists the sessions.
			this.#h.emit();
		}
		return this.#h.status(window);
	}

	/** A window closing ends its session (as far as it can still tell us). */
	async leave(window: string): Promise<void> {
		if (this.#s.has(window) && !this.#h.db.readOnly) {
			await this.#h.db.write(() => this.#s.end(this.#h.db.engine, window, 'closed', this.#h.now()));
			this.#h.emit();
		}
	}

	/** The sessions, newest first, the asking window's marked. */
	sessions(window: string): SessionInfo[] {
		return hasAccountTables(this.#h.db.engine) ? this.#s.list(this.#h.db.engine, window) : [];
	}

	/** Ends another window's session: that window locks until the passphrase is entered there. */
	async endSession(id: number, window: string): Promise<SessionInfo[]> {
		if (!this.#h.hasUser()) throw new AppError('no-passphrase');
		await this.#h.db.write(() => {
			this.#s.endOther(this.#h.db.engine, id, window, this.#h.now());
			recordActivity(this.#h.db.engine, this.#h.now(), {
				kind: 'lock',
				message: 'A session of another window was ended: that window locked.',
			});
		});
		this.#h.emit();
		return this.sessions(window);
	}

	/** This window stays locked: its session was ended before it reloaded (the page remembers that). */
	async lockWindow(window: string): Promise<AccountStatus> {
		if (this.#h.hasUser() && !this.#s.isEnded(window)) {
			if (this.#h.db.readOnly) this.#s.markEnded(null, window, this.#h.now());
			else
				await this.#h.db.write(() => this.#s.markEnded(this.#h.db.engine, window, this.#h.now()));
		}
		return this.#h.status(window);
	}
}
