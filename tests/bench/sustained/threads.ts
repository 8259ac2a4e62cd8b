/**
 * CPU time and memory of Chromium's threads and processes from /proc (Linux only; null elsewhere). The
 * app's database worker runs on a thread of the page's renderer named "DedicatedWorker thread" (the
 * kernel keeps the first 15 characters), so its CPU can be read apart from the page's main thread.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10;

function cpuMs(statPath: string): number {
	const stat = readFileSync(statPath, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU ms so far of each thread of `pids`, keyed `pid/tid name`. */
export function threadCpu(pids: number[]): Map<string, number> {
	const out = new Map<string, number>();
	for (const pid of pids) {
		let tids: string[];
		try {
			tids = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const tid of tids) {
			try {
				const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
				out.set(`${pid}/${tid} ${name}`, cpuMs(`/proc/${pid}/task/${tid}/stat`));
			} catch {
				// The thread ended while we looked.
			}
		}
	}
	return out;
}

/** CPU ms used between two readings by the threads whose name starts with `prefix`. */
export function cpuBetween(
	before: Map<string, number>,
	after: Map<string, number>,
	prefix: string,
): number {
	let total = 0;
	for (const [key, ms] of after) {
		const name = key.slice(key.indexOf(' ') + 1);
		if (name.startsWith(prefix)) total += ms - (before.get(key) ?? 0);
	}
	return total;
}

/** Resident memory now (bytes), summed over `pids`; null when it cannot be read. */
export function rss(pids: number[]): number | null {
	let total: number | null = null;
	for (const pid of pids) {
		try {
			const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (match) total = (total ?? 0) + Number(match[1]) * 1024;
		} catch {
			// gone
		}
	}
	return total;
}
