/** The wait before a failed save is retried, which `hurry` can cut short (the page is closing). */
export class RetryWait {
	#wake: (() => void) | null = null;

	wait(ms: number): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, ms);
			this.#wake = () => {
				clearTimeout(timer);
				resolve();
			};
		}).finally(() => (this.#wake = null));
	}

	/** Ends the current wait now; nothing happens when no retry is waiting. */
	hurry(): void {
		this.#wake?.();
	}
}
