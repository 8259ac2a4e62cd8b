/**
 * One owner of the database per origin, elected with the Web Locks API. A worker waits in line for the
 * lock and, once granted, holds it for its whole life: the browser releases it when the worker ends
 * (crash included). It does not when the worker stops running (a frozen page): a follower then steals
 * it after hearing no heartbeat for a long while (tabs/heartbeat.ts), as a newer build steals it at
 * once; the previous holder learns it through `lost`.
 */
export interface OwnershipLock {
	/** Waits in line; resolves once this worker holds the lock. */
	acquire(): Promise<void>;
	/** Takes the lock from its holder at once (used by a newer build of the app). */
	steal(): Promise<void>;
	/** Resolves when a held lock is taken away by a steal. */
	readonly lost: Promise<void>;
}

export function webLock(name: string): OwnershipLock {
	const locks = (navigator as Navigator & { locks?: LockManager }).locks;
	// Without Web Locks (very old browsers) there is no way to coordinate; behave as the only window.
	if (!locks)
		return {
			acquire: () => Promise.resolve(),
			steal: () => Promise.resolve(),
			lost: new Promise(() => {}),
		};

	const waiting = new AbortController();
	let markLost!: () => void;
	const lost = new Promise<void>((resolve) => (markLost = resolve));
	let acquired: Promise<void> | undefined;

	const request = (options: LockOptions) =>
		new Promise<void>((resolve, reject) => {
			let held = false;
			locks
				.request(name, options, () => {
					held = true;
					resolve();
					return new Promise<never>(() => {});
				})
				.catch((error: unknown) => {
					// A held lock's request rejects when it is stolen; a waiting one when we abort it to steal.
					if (held) markLost();
					else if (!(error instanceof DOMException && error.name === 'AbortError'))
						reject(error instanceof Error ? error : new Error(String(error)));
				});
		});

	return {
		acquire: () => (acquired ??= request({ signal: waiting.signal })),
		steal: () => {
			waiting.abort();
			return request({ steal: true });
		},
		lost,
	};
}
