/**
 * The benchmark page. The Node side (bench.spec.ts) calls `window.bench` step by step, so it can sample
 * memory from outside between steps; every timing is taken here, on the page's clock, around the
 * page's own calls to the worker (postMessage round trips included, as the app pays them).
 */
import type { BenchOps } from '../workers/protocol';
import { WorkerRpc } from './rpc';

export type Config = 'monitor' | 'monitor-one-part' | 'baseline-export' | 'sqlite-wasm-opfs';

// Literal `new URL(...)` calls, so Vite bundles each worker.
const WORKERS: Record<Config | 'template' | 'patterns', () => Worker> = {
	monitor: () =>
		new Worker(new URL('../workers/monitor.worker.ts', import.meta.url), {
			type: 'module',
			name: 'monitor',
		}),
	// The same worker; its name selects a store of its own with the snapshot in one part.
	'monitor-one-part': () =>
		new Worker(new URL('../workers/monitor.worker.ts', import.meta.url), {
			type: 'module',
			name: 'monitor-one-part',
		}),
	'baseline-export': () =>
		new Worker(new URL('../workers/baseline.worker.ts', import.meta.url), {
			type: 'module',
			name: 'baseline-export',
		}),
	'sqlite-wasm-opfs': () =>
		new Worker(new URL('../workers/opfs.worker.ts', import.meta.url), {
			type: 'module',
			name: 'sqlite-wasm-opfs',
		}),
	patterns: () =>
		new Worker(new URL('../workers/idb-patterns.worker.ts', import.meta.url), {
			type: 'module',
			name: 'patterns',
		}),
	template: () =>
		new Worker(new URL('../workers/template.worker.ts', import.meta.url), {
			type: 'module',
			name: 'template',
		}),
};

let longest = 0;
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
}).observe({ type: 'longtask', buffered: true });

let template: Uint8Array | null = null;
let current: { config: Config; rpc: WorkerRpc; nextRow: number } | null = null;

const now = () => performance.now();
const live = () => {
	if (!current) throw new Error('no configuration is open');
	return current;
};

const bench = {
	async makeTemplate(targetBytes: number): Promise<number> {
		const rpc = new WorkerRpc(WORKERS.template());
		try {
			template = await rpc.call('template', { targetBytes });
			return template.length;
		} finally {
			rpc.terminate();
		}
	},

	/** Stores the template for `config` with a worker of its own that then goes away (not measured). */
	async restore(config: Config): Promise<void> {
		if (!template) throw new Error('no template');
		const rpc = new WorkerRpc(WORKERS[config]());
		try {
			await rpc.call('restore', { bytes: template.slice() });
		} finally {
			rpc.terminate();
		}
	},

	resetLongestTask(): void {
		longest = 0;
	},

	longestTask(): number {
		return longest;
	},

	/** Cold open: from creating the worker to the first query's answer, the database already stored. */
	async open(
		config: Config,
		chunkSize?: number,
	): Promise<{ ms: number; rows: number; fileBytes: number; source: string }> {
		const start = now();
		const rpc = new WorkerRpc(WORKERS[config]());
		const opened = await rpc.call('open', chunkSize ? { chunkSize } : {});
		const ms = now() - start;
		current = { config, rpc, nextRow: 10_000_000 };
		return { ms, ...opened };
	},

	/** Durable single-row writes, one at a time; stops early after `budgetMs` once `min` are done. */
	async writes(count: number, min: number, budgetMs: number): Promise<number[]> {
		const c = live();
		const latencies: number[] = [];
		const start = now();
		for (let i = 0; i < count; i++) {
			const t = now();
			await c.rpc.call('write', { n: c.nextRow++ });
			latencies.push(now() - t);
			if (latencies.length >= min && now() - start > budgetMs) break;
		}
		return latencies;
	},

	/**
	 * Single durable writes to two configurations opened side by side, taking turns (and turns at going
	 * first), each after a short pause: both meet the same moments of a shared, noisy machine, so the
	 * ratio of their medians holds where medians of separate runs drift. Latencies per configuration.
	 */
	async pairedWrites(
		configs: [Config, Config],
		count: number,
		pauseMs: number,
	): Promise<[number[], number[]]> {
		const rpcs = configs.map((config) => new WorkerRpc(WORKERS[config]()));
		try {
			for (const rpc of rpcs) await rpc.call('open', {});
			const latencies: [number[], number[]] = [[], []];
			let n = 20_000_000;
			for (let i = 0; i < count; i++) {
				for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
					await new Promise((resolve) => setTimeout(resolve, pauseMs));
					const t = now();
					await rpcs[k]!.call('write', { n: n++ });
					latencies[k]!.push(now() - t);
				}
			}
			return latencies;
		} finally {
			for (const rpc of rpcs) rpc.terminate();
		}
	},

	/** `count` independent writes issued at once, each awaited until durable. */
	async concurrent(count: number): Promise<number> {
		const c = live();
		const start = now();
		await Promise.all(Array.from({ length: count }, () => c.rpc.call('write', { n: c.nextRow++ })));
		return now() - start;
	},

	async txn(count: number): Promise<number> {
		const c = live();
		const start = now();
		await c.rpc.call('txn', { from: c.nextRow, count });
		c.nextRow += count;
		return now() - start;
	},

	async memory(): Promise<BenchOps['memory']['result']> {
		return live().rpc.call('memory', null);
	},

	close(): void {
		current?.rpc.terminate();
		current = null;
	},

	async clear(config: Config): Promise<void> {
		const rpc = new WorkerRpc(WORKERS[config]());
		try {
			await rpc.call('clear', null);
		} finally {
			rpc.terminate();
		}
	},

	/** One layout-study measurement in a fresh worker. */
	async pattern(args: Record<string, unknown>): Promise<Record<string, number>> {
		const rpc = new WorkerRpc(WORKERS.patterns());
		try {
			return await rpc.call('pattern', args);
		} finally {
			rpc.terminate();
		}
	},

	dropTemplate(): void {
		template = null;
	},
};

export type Bench = typeof bench;
(globalThis as unknown as { bench: Bench }).bench = bench;
document.body.dataset['ready'] = 'true';
