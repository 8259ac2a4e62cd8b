import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Reloader } from '../../src/state/reloader';

const T0 = 1_000_000;

/** A load that takes `ms` of fake time and records when it started (ms after T0). */
function loads(ms: number) {
	const starts: number[] = [];
	const load = async () => {
		starts.push(Date.now() - T0);
		await new Promise((resolve) => setTimeout(resolve, ms));
	};
	return { starts, load };
}

describe('Reloader', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(T0);
	});
	afterEach(() => vi.useRealTimers());

	it('waits for the gap after a load before the next requested one', async () => {
		const { starts, load } = loads(10);
		const reloader = new Reloader(load, 1000);
		void reloader.request();
		await vi.advanceTimersByTimeAsync(10);
		void reloader.request();
		await vi.advanceTimersByTimeAsync(2000);
		expect(starts).toEqual([0, 1010]);
	});

	it('folds the requests made during a load into one more load', async () => {
		const { starts, load } = loads(10);
		const reloader = new Reloader(load, 100);
		void reloader.request();
		void reloader.request();
		void reloader.request();
		await vi.advanceTimersByTimeAsync(1000);
		expect(starts).toEqual([0, 110]);
	});

	it('a load asked for now skips the gap, also when a refresh is already waiting in it', async () => {
		const { starts, load } = loads(10);
		const reloader = new Reloader(load, 1000);
		void reloader.request();
		await vi.advanceTimersByTimeAsync(10);
		void reloader.request();
		await vi.advanceTimersByTimeAsync(300);
		expect(starts).toEqual([0]);
		let served = false;
		void reloader.now().then(() => (served = true));
		await vi.advanceTimersByTimeAsync(0);
		expect(starts).toEqual([0, 310]);
		// That one load served the waiting refresh too: nothing more is left to run.
		await vi.advanceTimersByTimeAsync(10);
		expect(served).toBe(true);
		// The gap applies again to the refreshes after it.
		void reloader.request();
		await vi.advanceTimersByTimeAsync(2000);
		expect(starts).toEqual([0, 310, 1320]);
	});

	it('a load asked for now during a load runs right after it, never alongside', async () => {
		const { starts, load } = loads(50);
		const reloader = new Reloader(load, 1000);
		void reloader.request();
		await vi.advanceTimersByTimeAsync(20);
		void reloader.now();
		await vi.advanceTimersByTimeAsync(100);
		expect(starts).toEqual([0, 50]);
	});
});
