/**
 * Checks that fall due together share one write: one transaction and one durable commit for the
 * results, rollups and state changes of every check that ended close together, instead of one each
 * (200 monitors would otherwise mean 200 commits and 200 change notices a cycle). A result waits until
 * every check still in flight has ended too, or `windowMs` at most, so a slow target delays the others'
 * results by no more than that. Each result still belongs to the database its check started on: a
 * batch never mixes two (see same-database.ts).
 */
import type { LiveDatabase } from '../../core/database/live-database';
import type { Engine } from '../../core/engine';
import { writeOn } from '../same-database';
import { recordCheck, type RecordInput, type Recorded } from './record';

interface Queued {
	input: RecordInput;
	resolve: (recorded: Recorded | null) => void;
	reject: (error: unknown) => void;
}

export interface BatchTimers {
	setTimer(fn: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
}

export class RecordBatch {
	readonly #db: LiveDatabase;
	readonly #timers: BatchTimers;
	/** How many checks are still running their request: when all have ended, the batch goes. */
	readonly #inFlight: () => number;
	readonly #windowMs: number;
	#queue: Queued[] = [];
	#engine: Engine | null = null;
	#timer: unknown = null;

	constructor(db: LiveDatabase, timers: BatchTimers, inFlight: () => number, windowMs = 50) {
		this.#db = db;
		this.#timers = timers;
		this.#inFlight = inFlight;
		this.#windowMs = windowMs;
	}

	/** Records one check's result with the others that end about now; resolves once it is durable. */
	record(engine: Engine, input: RecordInput): Promise<Recorded | null> {
		if (this.#engine !== null && this.#engine !== engine) this.flush();
		this.#engine = engine;
		const recorded = new Promise<Recorded | null>((resolve, reject) =>
			this.#queue.push({ input, resolve, reject }),
		);
		if (this.#inFlight() === 0) this.flush();
		else this.#timer ??= this.#timers.setTimer(() => this.flush(), this.#windowMs);
		return recorded;
	}

	/** Another check ended without a result to record: the batch may be all there is now. */
	settled(): void {
		if (this.#queue.length > 0 && this.#inFlight() === 0) this.flush();
	}

	flush(): void {
		if (this.#timer !== null) this.#timers.clearTimer(this.#timer);
		this.#timer = null;
		const batch = this.#queue;
		const engine = this.#engine;
		this.#queue = [];
		this.#engine = null;
		if (batch.length === 0 || engine === null) return;
		writeOn(this.#db, engine, (e) => batch.map((q) => recordCheck(e, q.input))).then(
			(results) => batch.forEach((q, i) => q.resolve(results[i]!)),
			(error: unknown) => batch.forEach((q) => q.reject(error)),
		);
	}
}
