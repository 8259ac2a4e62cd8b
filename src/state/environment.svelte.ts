/** What the browser tells about its surroundings: the network, and a clock for "12 s ago" labels. */
class Environment {
	#online = $state(navigator.onLine);
	#now = $state(Date.now());

	constructor() {
		addEventListener('online', () => (this.#online = true));
		addEventListener('offline', () => (this.#online = false));
		setInterval(() => (this.#now = Date.now()), 5_000);
	}

	get online(): boolean {
		return this.#online;
	}

	/** The current time, updated every few seconds: enough for relative times, cheap to depend on. */
	get now(): number {
		return this.#now;
	}
}

export const environment = new Environment();
