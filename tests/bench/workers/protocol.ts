/**
 * The benchmark's worker protocol: every configuration's worker answers the same operations, so the
 * page drives them identically and only the persistence behind them differs.
 */
export interface BenchOps {
	/** Replaces whatever is stored with this database file (setup, not measured). */
	restore: { args: { bytes: Uint8Array }; result: { storedBytes: number } };
	/** Opens the stored database and answers the first query (the cold open ends here). */
	open: {
		args: { chunkSize?: number };
		result: { rows: number; fileBytes: number; source: string };
	};
	/** Inserts one check result; resolves once it is durable. */
	write: { args: { n: number }; result: null };
	/** Inserts `count` rows in one transaction; resolves once durable. */
	txn: { args: { from: number; count: number }; result: null };
	/** Wasm memory and what the worker knows of its own state, between saves. */
	memory: {
		args: null;
		result: {
			wasmBytes: number;
			fileBytes: number;
			saves?: number;
			saveMs?: number;
			detail?: Record<string, number | string>;
		};
	};
	/** Removes everything this configuration stored. */
	clear: { args: null; result: null };
	/** Builds the shared starting database of about `targetBytes` (the template worker only). */
	template: { args: { targetBytes: number }; result: Uint8Array };
	/** Runs one persistence contract case against IndexedDB (contract.worker.ts). */
	contract: { args: { name: string; kind: 'tracked' | 'export' }; result: null };
	/** Diagnostics: where a cold open's time goes, step by step (monitor.worker.ts, BENCH_DEBUG). */
	/** One layout-study measurement (idb-patterns.worker.ts). */
	pattern: { args: Record<string, unknown>; result: Record<string, number> };
}

export type Op = keyof BenchOps;

export interface Request<O extends Op = Op> {
	id: number;
	op: O;
	args: BenchOps[O]['args'];
}

export type Response =
	{ id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export type Handlers = {
	[O in Op]?: (args: BenchOps[O]['args']) => BenchOps[O]['result'] | Promise<BenchOps[O]['result']>;
};
