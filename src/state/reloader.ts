/**
 * Keeps a view fresh without storms: loads never overlap, a request during a load schedules exactly one
 * more, and loads are at least `minGapMs` apart. A burst of changes from another window, or checks landing
 * every few hundred milliseconds, costs a view a handful of queries, not one each.
 */
export class Reloader {
	readonly #load: () => Promise<void>;
	readonly #minGapMs: number;
	#running: Promise<void> | null = null;
	#again = false;
	#lastStart = 0;

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
			const wait = this.#lastStart + this.#minGapMs - Date.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			this.#lastStart = Date.now();
			await this.#load();
		} while (this.#again);
	}
}
