/**
 * Bursts of events become one: a thousand writes acknowledged by one save announce their tables once,
 * and save-status updates reach other windows at most every `ms` milliseconds (always ending with the latest).
 */
export function coalesceTables(emit: (tables: string[]) => void): (tables: string[]) => void {
	let pending: Set<string> | null = null;
	return (tables) => {
		if (!pending) {
			pending = new Set();
			setTimeout(() => {
				const batch = pending;
				pending = null;
				if (batch && batch.size > 0) emit([...batch].sort());
			}, 0);
		}
		for (const table of tables) pending.add(table);
	};
}

export function latestEvery<T>(ms: number, emit: (value: T) => void): (value: T) => void {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let latest: T;
	let last = 0;
	return (value) => {
		latest = value;
		if (timer) return;
		const wait = Math.max(0, last + ms - Date.now());
		timer = setTimeout(() => {
			timer = null;
			last = Date.now();
			emit(latest);
		}, wait);
	};
}
