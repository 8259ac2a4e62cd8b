/**
 * Measurements taken from outside the page: a worker's JS heap through the DevTools protocol, and the
 * renderer process's peak resident memory from /proc (Linux; absent elsewhere).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

interface HeapUsage {
	usedSize: number;
	totalSize: number;
	embedderHeapUsedSize?: number;
	backingStorageSize?: number;
}

/**
 * Attaches to the page's dedicated workers (non-flat sessions, so Playwright's own sessions are left
 * alone) and asks one of them for its heap after a full garbage collection.
 */
export class WorkerProbe {
	readonly #session: CDPSession;
	readonly #workers = new Map<string, { sessionId: string; url: string; title: string }>();
	readonly #pending = new Map<number, (result: unknown) => void>();
	#next = 1;

	constructor(session: CDPSession) {
		this.#session = session;
		session.on('Target.attachedToTarget', (event) => {
			const { sessionId, targetInfo } = event;
			this.#workers.set(sessionId, { sessionId, url: targetInfo.url, title: targetInfo.title });
		});
		session.on('Target.detachedFromTarget', (event) => {
			this.#workers.delete(event.sessionId);
		});
		session.on('Target.receivedMessageFromTarget', (event) => {
			const message = JSON.parse(event.message) as { id?: number; result?: unknown };
			if (message.id !== undefined) this.#pending.get(message.id)?.(message.result);
		});
	}

	static async attach(session: CDPSession): Promise<WorkerProbe> {
		const probe = new WorkerProbe(session);
		await session.send('Target.setAutoAttach', {
			autoAttach: true,
			waitForDebuggerOnStart: false,
			flatten: false,
		});
		return probe;
	}

	async #send(sessionId: string, method: string, params: object = {}): Promise<unknown> {
		const id = this.#next++;
		const result = new Promise<unknown>((resolve) => this.#pending.set(id, resolve));
		await this.#session.send('Target.sendMessageToTarget', {
			sessionId,
			message: JSON.stringify({ id, method, params }),
		});
		return result;
	}

	#target(nameOrUrl: string) {
		return [...this.#workers.values()].find(
			(w) => w.title === nameOrUrl || w.url.includes(nameOrUrl),
		);
	}

	/** Starts the V8 CPU profiler in a worker (BENCH_PROFILE diagnostics); false if there is none. */
	async startProfile(nameOrUrl: string): Promise<boolean> {
		const target = this.#target(nameOrUrl);
		if (!target) return false;
		await this.#send(target.sessionId, 'Profiler.enable');
		await this.#send(target.sessionId, 'Profiler.setSamplingInterval', { interval: 100 });
		await this.#send(target.sessionId, 'Profiler.start');
		return true;
	}

	/** Stops the profiler started by `startProfile` and returns the profile (.cpuprofile JSON). */
	async stopProfile(nameOrUrl: string): Promise<CpuProfile | null> {
		const target = this.#target(nameOrUrl);
		if (!target) return null;
		const result = (await this.#send(target.sessionId, 'Profiler.stop')) as { profile: CpuProfile };
		return result.profile;
	}

	/** Sends a DevTools command to the worker; null when there is no such worker. */
	async command(nameOrUrl: string, method: string, params: object = {}): Promise<unknown> {
		const target = this.#target(nameOrUrl);
		return target ? this.#send(target.sessionId, method, params) : null;
	}

	/** JS heap and ArrayBuffer backing stores (the wasm memory is not among them), after a GC. */
	async heap(nameOrUrl: string): Promise<HeapUsage | null> {
		const target = this.#target(nameOrUrl);
		if (!target) return null;
		await this.#send(target.sessionId, 'HeapProfiler.collectGarbage');
		return (await this.#send(target.sessionId, 'Runtime.getHeapUsage')) as HeapUsage;
	}
}

export interface CpuProfile {
	nodes: {
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
		children?: number[];
	}[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

/** The functions with the most self time in `profile`, as "ms  name (file:line)" lines. */
export function topSelfTime(profile: CpuProfile, count = 25): string[] {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const frame = byId.get(id)!.callFrame;
		const file = frame.url.split('/').pop() ?? '';
		const key = `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})`;
		self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
	});
	const total = [...self.values()].reduce((a, b) => a + b, 0);
	return [
		`total ${total.toFixed(1)} ms`,
		...[...self.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([key, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${key}`),
	];
}

interface Proc {
	pid: number;
	ppid: number;
	cmdline: string;
}

function processes(): Proc[] {
	const list: Proc[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
			list.push({ pid: Number(entry), ppid, cmdline });
		} catch {
			// The process ended while we looked.
		}
	}
	return list;
}

/** The renderer processes of the Chromium that runs with `userDataDir`. */
export function rendererPids(userDataDir: string): number[] {
	let all: Proc[];
	try {
		all = processes();
	} catch {
		return [];
	}
	const browser = all.find(
		(p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type='),
	);
	if (!browser) return [];
	const descendants = new Set([browser.pid]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const p of all) {
			if (!descendants.has(p.pid) && descendants.has(p.ppid)) {
				descendants.add(p.pid);
				grew = true;
			}
		}
	}
	return all
		.filter((p) => descendants.has(p.pid) && p.cmdline.includes('--type=renderer'))
		.map((p) => p.pid);
}

/** Resets the peak-RSS counters, so the next reading is the peak since now. */
export function resetPeaks(pids: number[]): void {
	for (const pid of pids) {
		try {
			writeFileSync(`/proc/${pid}/clear_refs`, '5');
		} catch {
			// Not permitted or gone: the reading will then be the peak since the process started.
		}
	}
}

/** The largest peak RSS among `pids`, in bytes, or null when it cannot be read. */
export function peakRss(pids: number[]): number | null {
	let peak: number | null = null;
	for (const pid of pids) {
		try {
			const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (match) peak = Math.max(peak ?? 0, Number(match[1]) * 1024);
		} catch {
			// gone
		}
	}
	return peak;
}

/** CPU time (ms) used so far by each kind of process of the Chromium that runs with `userDataDir`. */
export function cpuByProcessType(userDataDir: string): Record<string, number> {
	const all = processes();
	const browser = all.find(
		(p) => p.cmdline.includes(`--user-data-dir=${userDataDir}`) && !p.cmdline.includes('--type='),
	);
	if (!browser) return {};
	const family = new Set([browser.pid]);
	for (let grew = true; grew;) {
		grew = false;
		for (const p of all)
			if (!family.has(p.pid) && family.has(p.ppid)) {
				family.add(p.pid);
				grew = true;
			}
	}
	const totals: Record<string, number> = {};
	for (const p of all) {
		if (!family.has(p.pid)) continue;
		const type = /--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser';
		const sub = /--utility-sub-type=(\S+)/.exec(p.cmdline)?.[1];
		const key = sub ? `${type}:${sub}` : type;
		try {
			const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const ticks = Number(fields[11]) + Number(fields[12]);
			totals[key] = (totals[key] ?? 0) + ticks * 10;
		} catch {
			// gone
		}
	}
	return totals;
}
