/**
 * The owner's heartbeat, as a follower watches it. The Web Lock is released when the owner's worker
 * ends, but not when it stops running: a frozen page (a tab the browser froze, a phone that put it
 * to sleep) keeps the lock and answers nothing, and every other window would wait forever. The owner
 * beats on the channel; a follower that hears nothing from it for `staleAfterMs` takes the lock
 * (`steal`), opens the database (its storage claim fences the frozen owner's writes) and serves.
 *
 * `staleAfterMs` is far longer than any synchronous work the owner does (VACUUM, an import's checks),
 * which stops its beats too. A follower that was itself asleep (its own timers late) starts counting
 * afresh instead of blaming the owner for its own gap.
 */
export interface HeartbeatTiming {
	/** How often the owner beats. */
	everyMs: number;
	/** Silence after which a follower takes over. */
	staleAfterMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatTiming = { everyMs: 2_000, staleAfterMs: 60_000 };

export class OwnerWatch {
	readonly #timing: HeartbeatTiming;
	readonly #onStale: () => void;
	readonly #now: () => number;
	/** Several followers see the same silence: each waits a little more, so one steals, once. */
	readonly #staleAfterMs: number;
	#lastHeard = 0;
	#lastTick = 0;
	#timer: ReturnType<typeof setInterval> | null = null;

	constructor(timing: HeartbeatTiming, onStale: () => void, now: () => number = Date.now) {
		this.#timing = timing;
		this.#onStale = onStale;
		this.#now = now;
		this.#staleAfterMs = timing.staleAfterMs * (1 + Math.random() / 4);
	}

	/** Something came from the owner: it is alive. Starts watching on first use. */
	heard(): void {
		this.#lastHeard = this.#lastTick = this.#now();
		this.#timer ??= setInterval(() => this.#tick(), this.#timing.everyMs);
	}

	stop(): void {
		if (this.#timer !== null) clearInterval(this.#timer);
		this.#timer = null;
	}

	#tick(): void {
		const now = this.#now();
		const asleep = now - this.#lastTick > this.#timing.staleAfterMs / 2;
		this.#lastTick = now;
		if (asleep) {
			this.#lastHeard = now;
			return;
		}
		if (now - this.#lastHeard < this.#staleAfterMs) return;
		this.stop();
		this.#onStale();
	}
}
