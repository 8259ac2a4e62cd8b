/**
 * Turns repetitions into the published results: `latest.json` in the shape the issue fixes (each number
 * the median over repetitions), a detail file with min–max and extra readings, and a printed table.
 */
import { cpus, totalmem, release, platform, arch } from 'node:os';

export const CONFIGS = ['monitor', 'baseline-export', 'sqlite-wasm-opfs'] as const;
/**
 * Run only when named in BENCH_CONFIGS: `monitor-one-part` is Monitor with its cold-open snapshot in
 * one part (one Blob holding the whole file, as before the snapshot was cut into bounded parts), so
 * the parts' cost is measured side by side, in the same session.
 */
export const EXTRA_CONFIGS = ['monitor-one-part'] as const;
export type Config = (typeof CONFIGS)[number] | (typeof EXTRA_CONFIGS)[number];
const ORDER: readonly Config[] = [...CONFIGS, ...EXTRA_CONFIGS];

/** One repetition of one configuration at one size. */
export interface Sample {
	config: Config;
	sizeMB: number;
	fileMB: number;
	writeP50Ms: number;
	writeP95Ms: number;
	writes: number;
	concurrentWritesPerSec: number;
	concurrentCount: number;
	txn10kMs: number;
	coldOpenMs: number;
	workerJsMB: number | null;
	wasmMB: number;
	rendererPeakMB: number | null;
	longestMainTaskMs: number;
	source: string;
}

export const RUN_FIELDS = [
	'writeP50Ms',
	'writeP95Ms',
	'concurrentWritesPerSec',
	'txn10kMs',
	'coldOpenMs',
	'workerJsMB',
	'wasmMB',
	'longestMainTaskMs',
] as const;
type RunField = (typeof RUN_FIELDS)[number];

export type Run = { config: Config; sizeMB: number } & Record<RunField, number | null>;

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const rank = (p / 100) * (sorted.length - 1);
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const median = (values: number[]) => percentile(values, 50);

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface Spread {
	median: number;
	min: number;
	max: number;
}

function spread(values: (number | null)[]): Spread | null {
	const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
	if (known.length === 0) return null;
	return {
		median: round(median(known)),
		min: round(Math.min(...known)),
		max: round(Math.max(...known)),
	};
}

export interface Summary {
	config: Config;
	sizeMB: number;
	reps: number;
	fields: Record<string, Spread | null>;
}

export function summarise(samples: Sample[]): Summary[] {
	const groups = new Map<string, Sample[]>();
	for (const s of samples) {
		const key = `${s.sizeMB}|${s.config}`;
		groups.set(key, [...(groups.get(key) ?? []), s]);
	}
	const summaries: Summary[] = [];
	for (const group of groups.values()) {
		const first = group[0]!;
		const fields: Record<string, Spread | null> = {};
		for (const key of [
			...RUN_FIELDS,
			'fileMB',
			'rendererPeakMB',
			'concurrentCount',
			'writes',
		] as const) {
			fields[key] = spread(group.map((s) => s[key]));
		}
		summaries.push({ config: first.config, sizeMB: first.sizeMB, reps: group.length, fields });
	}
	return summaries.sort(
		(a, b) => a.sizeMB - b.sizeMB || ORDER.indexOf(a.config) - ORDER.indexOf(b.config),
	);
}

export function runsOf(summaries: Summary[]): Run[] {
	return summaries.map((s) => {
		const run = { config: s.config, sizeMB: s.sizeMB } as Run;
		for (const key of RUN_FIELDS) run[key] = s.fields[key]?.median ?? null;
		return run;
	});
}

export function machine(chromiumVersion: string): string {
	const cpu = cpus();
	return [
		`${platform()} ${release()} ${arch()}`,
		`${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'})`,
		`${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
		`Chromium ${chromiumVersion} headless`,
	].join(', ');
}

const fmt = (s: Spread | null | undefined, digits = 1) =>
	s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : 'n/a';

/** A Markdown table: medians with min–max, one row per size and configuration. */
export function table(summaries: Summary[]): string {
	const head =
		'| Size | Config | File MB | Write p50 ms | Write p95 ms | Concurrent writes/s | 10k-row txn ms | Cold open ms | Worker JS MB | Wasm MB | Renderer peak MB | Longest main task ms |';
	const rule = '|' + ' --- |'.repeat(12);
	const rows = summaries.map((s) => {
		const f = s.fields;
		return `| ${s.sizeMB} MB | ${s.config} | ${fmt(f['fileMB'])} | ${fmt(f['writeP50Ms'], 2)} | ${fmt(f['writeP95Ms'], 2)} | ${fmt(f['concurrentWritesPerSec'], 0)} | ${fmt(f['txn10kMs'], 0)} | ${fmt(f['coldOpenMs'], 0)} | ${fmt(f['workerJsMB'])} | ${fmt(f['wasmMB'])} | ${fmt(f['rendererPeakMB'], 0)} | ${fmt(f['longestMainTaskMs'], 0)} |`;
	});
	return [head, rule, ...rows].join('\n');
}

/** Monitor against each reference, per size: how many times faster (>1) or slower (<1). */
export function ratios(summaries: Summary[]): string {
	const lines = [
		'| Size | vs | Write p50 | Concurrent writes/s | 10k-row txn | Cold open |',
		'|' + ' --- |'.repeat(6),
	];
	const at = (config: Config, size: number) =>
		summaries.find((s) => s.config === config && s.sizeMB === size);
	const sizes = [...new Set(summaries.map((s) => s.sizeMB))];
	for (const size of sizes) {
		const m = at('monitor', size);
		if (!m) continue;
		for (const ref of ['baseline-export', 'sqlite-wasm-opfs'] as const) {
			const r = at(ref, size);
			if (!r) continue;
			const faster = (key: string) => {
				const a = m.fields[key]?.median;
				const b = r.fields[key]?.median;
				return a && b ? `${(b / a).toFixed(1)}×` : 'n/a';
			};
			const more = (key: string) => {
				const a = m.fields[key]?.median;
				const b = r.fields[key]?.median;
				return a && b ? `${(a / b).toFixed(1)}×` : 'n/a';
			};
			lines.push(
				`| ${size} MB | ${ref} | ${faster('writeP50Ms')} | ${more('concurrentWritesPerSec')} | ${faster('txn10kMs')} | ${faster('coldOpenMs')} |`,
			);
		}
	}
	return lines.join('\n');
}

/** Monitor and the best peer writing in turns at one size (see `pairedWrites` in pages/bench.ts). */
export interface PairedWrites {
	sizeMB: number;
	pairs: number;
	monitorP50Ms: number;
	peerP50Ms: number;
	/** The peer's median over Monitor's: above 1, Monitor is faster. */
	ratio: number;
	/** The share of turns in which Monitor's write was the faster of the two. */
	monitorFasterShare: number;
}

export function pairedWrites(sizeMB: number, monitor: number[], peer: number[]): PairedWrites {
	const pairs = Math.min(monitor.length, peer.length);
	let faster = 0;
	for (let i = 0; i < pairs; i++) if (monitor[i]! < peer[i]!) faster++;
	return {
		sizeMB,
		pairs,
		monitorP50Ms: round(median(monitor)),
		peerP50Ms: round(median(peer)),
		ratio: round(median(peer) / median(monitor)),
		monitorFasterShare: round(faster / pairs),
	};
}

export function pairedTable(rows: PairedWrites[]): string {
	return [
		'| Size | Turns | monitor p50 ms | sqlite-wasm-opfs p50 ms | Monitor faster by | Turns Monitor won |',
		'|' + ' --- |'.repeat(6),
		...rows.map(
			(r) =>
				`| ${r.sizeMB} MB | ${r.pairs} | ${r.monitorP50Ms.toFixed(2)} | ${r.peerP50Ms.toFixed(2)} | ${r.ratio.toFixed(2)}× | ${(r.monitorFasterShare * 100).toFixed(0)}% |`,
		),
	].join('\n');
}
