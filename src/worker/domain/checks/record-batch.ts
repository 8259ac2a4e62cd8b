/**
 * Checks share writes: the results, rollups and state changes of every check that ends within one tick
 * (`windowMs`, a second) of the first are one transaction and one durable commit, instead of one each.
 * With 200 monitors every 30 s spread over their interval, checks end alone about 7 times a second, and
 * each commit is a save to IndexedDB, a save status and a change notice to every window: grouping them
 * per tick makes that at most one a second (measured: see tests/bench/results/README.md, issue 22).
 * A result is shown at most a tick later; one not yet written when the page dies is lost like the check
 * in flight would be, and the check runs again. A flush of the database (before an update's reload, or
 * as the page is hidden) writes the waiting results first. A batch also goes at once when it is large (`maxSize`).
 * Each result still belongs to the database its check started on: a batch never mixes two (see
 * same-database.ts).
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
	readonly #windowMs: number;
	readonly #maxSize: number;
	#queue: Queued[] = [];
	#engine: Engine | null = null;
	#timer: unknown = null;

	constructor(db: LiveDatabase, timers: BatchTimers, windowMs = 1_000, maxSize = 200) {
		this.#db = db;
		this.#timers = timers;
		this.#windowMs = windowMs;
		this.#maxSize = maxSize;
	}

	/** Results waiting for their tick. */
	get queued(): number {
		return this.#queue.length;
	}

	/** Records one check's result with the others of its tick; resolves once it is durable. */
	record(engine: Engine, input: RecordInput): Promise<Recorded | null> {
		if (this.#engine !== null && this.#engine !== engine) void this.flush();
		this.#engine = engine;
		const recorded = new Promise<Recorded | null>((resolve, reject) =>
			this.#queue.push({ input, resolve, reject }),
		);
		if (this.#queue.length >= this.#maxSize) void this.flush();
		else this.#timer ??= this.#timers.setTimer(() => void this.flush(), this.#windowMs);
		return recorded;
	}

	/**
	 * Writes the waiting results now. Resolves once that write is committed (not yet durable: the
	 * persister's flush waits for that); its failure goes to each result's own promise.
	 */
	flush(): Promise<void> {
		if (this.#timer !== null) this.#timers.clearTimer(this.#timer);
		this.#timer = null;
		const batch = this.#queue;
		const engine = this.#engine;
		this.#queue = [];
		this.#engine = null;
		if (batch.length === 0 || engine === null) return Promise.resolve();
		return writeOn(this.#db, engine, (e) => batch.map((q) => recordCheck(e, q.input))).then(
			(results) => batch.forEach((q, i) => q.resolve(results[i]!)),
			(error: unknown) => batch.forEach((q) => q.reject(error)),
		);
	}
}
