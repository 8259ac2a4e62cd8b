/**
 * Keeps a view fresh without storms: loads never overlap, a request during a load schedules exactly one
 * more, and a load waits after the previous one for at least `minGapMs`, or as long as that load took,
 * so a view never spends more than half its time (and the worker's) reloading. A burst of changes from
 * another window, or checks landing every few hundred milliseconds, costs a handful of queries.
 *
 * The gap is for changes nobody is waiting on. A load a person asked for (`now`: they opened a page or
 * chose a range) skips it; the sustained benchmark measured the gap as most of a chart's opening time.
 */
export class Reloader {
	readonly #load: () => Promise<void>;
	readonly #minGapMs: number;
	#running: Promise<void> | null = null;
	#again = false;
	#urgent = false;
	/** Ends the wait for the gap early. */
	#wake: (() => void) | null = null;
	#lastEnd = 0;
	#lastDuration = 0;

	constructor(load: () => Promise<void>, minGapMs = 0) {
		this.#load = load;
		this.#minGapMs = minGapMs;
	}

	/** A refresh because something changed: waits for the gap. */
	request(): Promise<void> {
		if (this.#running) {
			// While waiting out the gap, the load about to start reads the change; during a load, one more.
			if (!this.#wake) this.#again = true;
			return this.#running;
		}
		this.#running = this.#loop().finally(() => (this.#running = null));
		return this.#running;
	}

	/** A load someone waits for: as soon as the load in flight (if any) ends, without the gap. */
	now(): Promise<void> {
		this.#urgent = true;
		this.#wake?.();
		return this.request();
	}

	async #loop(): Promise<void> {
		do {
			this.#again = false;
			const wait = this.#lastEnd + Math.max(this.#minGapMs, this.#lastDuration) - Date.now();
			if (wait > 0 && !this.#urgent) await this.#sleep(wait);
			this.#urgent = false;
			const started = Date.now();
			await this.#load();
			this.#lastEnd = Date.now();
			this.#lastDuration = this.#lastEnd - started;
		} while (this.#again);
	}

	#sleep(ms: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, ms);
			this.#wake = () => {
				clearTimeout(timer);
				resolve();
			};
		}).finally(() => (this.#wake = null));
	}
}
