/**
 * One owner of the database per origin. The worker takes an exclusive Web Lock and holds it for its
 * whole life (the lock is released by the browser when the worker ends, crash included), so there is no
 * heartbeat that a suspended tab could miss.
 */
export function acquireOwnership(name: string, onWaiting: () => void): Promise<void> {
	const locks = (navigator as Navigator & { locks?: LockManager }).locks;
	// Without Web Locks (very old browsers) there is no way to coordinate; behave as the only tab.
	if (!locks) return Promise.resolve();
	return new Promise<void>((resolve, reject) => {
		const hold = () => {
			resolve();
			return new Promise<never>(() => {});
		};
		locks
			.request(name, { ifAvailable: true }, (lock) => {
				if (lock) return hold();
				onWaiting();
				locks.request(name, hold).catch(reject);
				return undefined;
			})
			.catch(reject);
	});
}
