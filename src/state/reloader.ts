/**
 * Keeps a view fresh without storms: loads never overlap, a request during a load schedules exactly one
 * more, and a load waits after the previous one for at least `minGapMs`, or as long as that load took,
 * so a view never spends more than half its time (and the worker's) reloading. A burst of changes from
 * another window, or checks landing every few hundred milliseconds, costs a handful of queries.
 */
export class Reloader {
	readonly #load: () => Promise<void>;
	readonly #minGapMs: number;
	#running: Promise<void> | null = null;
	#again = false;
	#lastEnd = 0;
	#lastDuration = 0;

	constructor(load: () => Promise<void>, minGapMs = 0) {
		this.#load = load;
		this.#minGapMs = minGapMs;
	}

	request(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#loop().finally(() => (this.#running = null));
		return this.#running;
	}

	async #loop(): Promise<void> {
		do {
			this.#again = false;
			const wait = this.#lastEnd + Math.max(this.#minGapMs, this.#lastDuration) - Date.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			const started = Date.now();
			await this.#load();
			this.#lastEnd = Date.now();
			this.#lastDuration = this.#lastEnd - started;
		} while (this.#again);
	}
}
