/**
 * Runs `fn` at most once per `ms`: at once when it has not run for that long, otherwise once at the end
 * of the interval however many calls came in between.
 */
export interface Throttled {
	(): void;
	cancel(): void;
}

export function throttle(
	fn: () => void,
	ms: number,
	clock: () => number = () => performance.now(),
): Throttled {
	let last = -Infinity;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const run = () => {
		timer = null;
		last = clock();
		fn();
	};
	const call = () => {
		if (timer !== null) return;
		const wait = last + ms - clock();
		if (wait <= 0) run();
		else timer = setTimeout(run, wait);
	};
	call.cancel = () => {
		if (timer !== null) clearTimeout(timer);
		timer = null;
	};
	return call;
}
