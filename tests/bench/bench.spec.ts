/**
 * The persistence benchmark (`npm run bench`). In one browser session it runs, interleaved (the order
 * of configurations rotates every repetition), Monitor's persistence, the seed's export-per-write
 * baseline and the official SQLite WASM on OPFS (opfs-sahpool), at about 1, 10 and 50 MB.
 *
 * Environment: BENCH_REPS (default 3), BENCH_SIZES (default "1,10,50", in MB), BENCH_CONFIGS (default
 * all three), BENCH_WRITES (single writes per run, default 100), BENCH_PAIRED (turns of the paired
 * writes of Monitor and the OPFS peer at each size, default 200; 0 skips them), BENCH_PORT (default: any free port),
 * BENCH_DEBUG (timings inside the workers), BENCH_PROFILE=<config> (CPU profiles of that configuration's
 * worker and of the page during the concurrent writes, written to a temporary directory).
 * BENCH_ONLY / BENCH_SKIP select scenarios (scenarios.ts); the sustained one is sustained.spec.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { test, type Page } from '@playwright/test';
import { launchProfile } from './chromium';
import { startHarness } from './harness';
import type { Bench } from './pages/bench';
import {
	cpuByProcessType,
	peakRss,
	rendererPids,
	resetPeaks,
	topSelfTime,
	WorkerProbe,
	type CpuProfile,
} from './probes';
import {
	CONFIGS,
	machine,
	median,
	pairedTable,
	pairedWrites,
	percentile,
	ratios,
	runsOf,
	summarise,
	table,
	type Config,
	type PairedWrites,
	type Sample,
} from './report';
import { mergeResults, RESULTS, selected, writeSection } from './scenarios';

const MB = 1024 * 1024;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '1,10,50').split(',').map(Number);
const SELECTED = (process.env.BENCH_CONFIGS?.split(',') ?? CONFIGS) as Config[];
const WRITES = Number(process.env.BENCH_WRITES ?? 100);
const PAIRED = Number(process.env.BENCH_PAIRED ?? 200);
/** Before each paired write: long enough for the previous one's follow-up work to finish. */
const PAIRED_PAUSE_MS = 3;
const CONCURRENT = 1000;
const TXN_ROWS = 10_000;
/** Single writes stop after this long once 20 are done (the baseline at 50 MB takes ~0.4 s each). */
const WRITE_BUDGET_MS = 8_000;
/** The baseline saves the whole file per write; 1,000 of them at 50 MB would take minutes. */
const CONCURRENT_BUDGET_MS = 10_000;

/** Calls `window.bench[method](...args)` in the page. */
function bench<M extends keyof Bench>(
	page: Page,
	method: M,
	...args: Parameters<Bench[M]>
): Promise<Awaited<ReturnType<Bench[M]>>> {
	return page.evaluate(
		([m, a]) => {
			const target = (
				globalThis as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }
			).bench;
			return target[m]!(...a);
		},
		[method, args] as const,
	) as Promise<Awaited<ReturnType<Bench[M]>>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until Chromium's processes use under 5% of a core for 500 ms (at most 15 s). */
async function settle(userDataDir: string): Promise<void> {
	const total = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);
	const deadline = Date.now() + 15_000;
	let quiet = 0;
	let last = total(cpuByProcessType(userDataDir));
	while (Date.now() < deadline && quiet < 2) {
		await sleep(250);
		const now = total(cpuByProcessType(userDataDir));
		quiet = now - last <= 12 ? quiet + 1 : 0;
		last = now;
	}
}

test('persistence benchmark', async () => {
	test.skip(!selected('persistence'), 'not selected (BENCH_ONLY / BENCH_SKIP / BENCH_LAYOUT)');
	const harness = await startHarness();
	const profile = await launchProfile();
	const samples: Sample[] = [];
	const paired: PairedWrites[] = [];
	try {
		const page = await profile.context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error') console.error('[page]', m.text());
		});
		await page.goto(`${harness.url}/bench.html`);
		await page.waitForSelector('body[data-ready="true"]');
		const probe = await WorkerProbe.attach(await profile.context.newCDPSession(page));
		const chromiumVersion =
			profile.context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));

		for (const sizeMB of SIZES) {
			const bytes = await bench(page, 'makeTemplate', sizeMB * MB);
			console.log(`\n# ${sizeMB} MB: template of ${(bytes / MB).toFixed(1)} MB`);
			for (let rep = 0; rep < REPS; rep++) {
				const order = SELECTED.map((_, i) => SELECTED[(i + rep) % SELECTED.length]!);
				for (const config of order) {
					const sample = await runOnce(page, probe, profile.userDataDir, config, sizeMB);
					samples.push(sample);
					console.log(
						`  rep ${rep + 1} ${config.padEnd(16)} open ${sample.coldOpenMs.toFixed(0)} ms, write p50 ${sample.writeP50Ms.toFixed(2)} p95 ${sample.writeP95Ms.toFixed(2)} ms, ` +
							`${sample.concurrentWritesPerSec.toFixed(0)} writes/s (${sample.concurrentCount}), txn ${sample.txn10kMs.toFixed(0)} ms, ` +
							`JS ${sample.workerJsMB?.toFixed(1) ?? '?'} MB, wasm ${sample.wasmMB.toFixed(1)} MB, renderer peak ${sample.rendererPeakMB?.toFixed(0) ?? '?'} MB, ` +
							`longest task ${sample.longestMainTaskMs.toFixed(0)} ms [${sample.source}]`,
					);
				}
			}
			if (PAIRED > 0 && SELECTED.includes('monitor') && SELECTED.includes('sqlite-wasm-opfs')) {
				for (const config of ['monitor', 'sqlite-wasm-opfs'] as const) {
					await bench(page, 'restore', config);
				}
				await settle(profile.userDataDir);
				const [mine, peer] = await bench(
					page,
					'pairedWrites',
					['monitor', 'sqlite-wasm-opfs'],
					PAIRED,
					PAIRED_PAUSE_MS,
				);
				const row = pairedWrites(sizeMB, mine, peer);
				paired.push(row);
				console.log(
					`  paired writes: monitor p50 ${row.monitorP50Ms.toFixed(2)} ms, sqlite-wasm-opfs p50 ${row.peerP50Ms.toFixed(2)} ms ` +
						`(${row.ratio.toFixed(2)}×), monitor faster in ${(row.monitorFasterShare * 100).toFixed(0)}% of ${row.pairs} turns`,
				);
			}
			await bench(page, 'dropTemplate');
		}
		for (const config of SELECTED) await bench(page, 'clear', config);

		const summaries = summarise(samples);
		const date = new Date().toISOString();
		const machineText = machine(chromiumVersion);
		mkdirSync(RESULTS, { recursive: true });
		mergeResults({
			date,
			machine: machineText,
			runs: runsOf(summaries),
			...(paired.length > 0 ? { pairedWrites: paired } : {}),
		});
		writeFileSync(
			resolve(RESULTS, 'latest-detail.json'),
			JSON.stringify({ date, machine: machineText, reps: REPS, summaries, samples }, null, '\t') +
				'\n',
		);
		const text = [
			`Date: ${date}`,
			`Machine: ${machineText}`,
			`Repetitions: ${REPS}; medians with min–max.`,
			'',
			table(summaries),
			'',
			'Monitor against each reference (×: how many times faster; for writes/s, how many times more):',
			'',
			ratios(summaries),
			'',
			...(paired.length > 0
				? [
						`Single writes in turns, Monitor and the OPFS peer open side by side (${PAIRED} turns each, ${PAIRED_PAUSE_MS} ms pause before each write):`,
						'',
						pairedTable(paired),
						'',
					]
				: []),
		].join('\n');
		writeSection('persistence', text);
		console.log('\n' + text);
	} finally {
		await profile.close();
		await harness.close();
	}
});

async function runOnce(
	page: Page,
	probe: WorkerProbe,
	userDataDir: string,
	config: Config,
	sizeMB: number,
): Promise<Sample> {
	await bench(page, 'restore', config);
	// "Already stored" means at rest: let the browser finish writing it out (IndexedDB compacts its files
	// in the background after a large write, on one of our two cores) before the cold open is timed.
	await settle(userDataDir);
	const renderers = rendererPids(userDataDir);
	resetPeaks(renderers);
	await bench(page, 'resetLongestTask');

	const opened = await bench(page, 'open', config);
	const latencies = await bench(page, 'writes', WRITES, 20, WRITE_BUDGET_MS);
	const p50 = median(latencies);
	const concurrentCount = Math.max(
		20,
		Math.min(CONCURRENT, Math.floor(CONCURRENT_BUDGET_MS / p50)),
	);
	const before = await bench(page, 'memory');
	if (process.env.BENCH_DEBUG && before.detail)
		console.log(
			'    single writes in the worker:',
			JSON.stringify(before.detail),
			'saves',
			before.saves,
			'save ms avg',
			(before.saveMs! / before.saves!).toFixed(2),
		);
	const profiling = process.env.BENCH_PROFILE === config && (await probe.startProfile(config));
	const pageSession = profiling ? await page.context().newCDPSession(page) : null;
	if (pageSession) {
		await pageSession.send('Profiler.enable');
		await pageSession.send('Profiler.start');
	}
	const concurrentMs = await bench(page, 'concurrent', concurrentCount);
	if (profiling && pageSession) {
		const worker = await probe.stopProfile(config);
		const { profile } = await pageSession.send('Profiler.stop');
		await pageSession.detach();
		const dir = mkdtempSync(resolve(tmpdir(), 'bench-profile-'));
		writeFileSync(resolve(dir, 'worker.cpuprofile'), JSON.stringify(worker));
		writeFileSync(resolve(dir, 'page.cpuprofile'), JSON.stringify(profile));
		console.log(
			`    profiles in ${dir}\n    worker:\n      ${topSelfTime(worker!).join('\n      ')}`,
		);
		console.log(`    page:\n      ${topSelfTime(profile as CpuProfile).join('\n      ')}`);
	}
	const after = await bench(page, 'memory');
	if (process.env.BENCH_DEBUG && after.saves !== undefined)
		console.log(
			`    concurrent: ${JSON.stringify(after.detail)} ${after.saves - before.saves!} saves, ${(after.saveMs! - before.saveMs!).toFixed(0)} ms in commit, of ${concurrentMs.toFixed(0)} ms`,
		);
	const txnMs = await bench(page, 'txn', TXN_ROWS);

	// Between saves: everything above has been acknowledged, so nothing is pending.
	await sleep(200);
	const memory = await bench(page, 'memory');
	const heap = await probe.heap(config);
	if (process.env.BENCH_DEBUG)
		console.log('    heap', JSON.stringify(heap), 'wasm', memory.wasmBytes);
	const longest = await bench(page, 'longestTask');
	const peak = peakRss(renderers);
	await bench(page, 'close');

	// The JS side of the worker: its heap plus ArrayBuffer backing stores (where the MEMFS file lives;
	// Chromium does not count the wasm memory among them, it is reported separately).
	const jsBytes = heap ? heap.usedSize + (heap.backingStorageSize ?? 0) : null;
	return {
		config,
		sizeMB,
		fileMB: opened.fileBytes / MB,
		writeP50Ms: p50,
		writeP95Ms: percentile(latencies, 95),
		writes: latencies.length,
		concurrentWritesPerSec: concurrentCount / (concurrentMs / 1000),
		concurrentCount,
		txn10kMs: txnMs,
		coldOpenMs: opened.ms,
		workerJsMB: jsBytes === null ? null : jsBytes / MB,
		wasmMB: memory.wasmBytes / MB,
		rendererPeakMB: peak === null ? null : peak / MB,
		longestMainTaskMs: longest,
		source: opened.source,
	};
}

/**
 * The layout study behind the chunk size, the transaction shape and the cold-read strategy
 * (BENCH_LAYOUT=1 npm run bench). Raw IndexedDB; interleaved; medians over BENCH_REPS.
 */
test('layout study', async () => {
	test.skip(!selected('layout'), 'run with BENCH_LAYOUT=1 or BENCH_ONLY=layout');
	const harness = await startHarness();
	const profile = await launchProfile();
	try {
		const page = await profile.context.newPage();
		await page.goto(`${harness.url}/bench.html`);
		await page.waitForSelector('body[data-ready="true"]');
		const fileBytes = Number(process.env.BENCH_LAYOUT_MB ?? 50) * MB;
		// The save shape and manifest format the store uses (idb-store.ts), then the alternatives.
		const base = {
			shape: 'pipelined-commit-after-check',
			chunkSize: 32 * 1024,
			durability: 'relaxed',
			manifest: 'typed',
			readRanges: 1,
			read: 'gets',
		};
		const variants: Record<string, unknown>[] = [
			{ ...base, shape: 'single-value' },
			{ ...base, shape: 'single-blob' },
			base,
			...[4, 8, 16, 48, 60].map((k) => ({ ...base, chunkSize: k * 1024 })),
			...['read-then-write', 'pipelined', 'pipelined-commit', 'write-only-commit'].map((shape) => ({
				...base,
				shape,
			})),
			{ ...base, durability: 'strict' },
			...['array', 'split'].map((manifest) => ({ ...base, manifest })),
			// What idb-store.ts does: the full manifest, and the lease read in the fence.
			{ ...base, manifest: 'full' },
			{ ...base, manifest: 'full', lease: true },
			{ ...base, lease: true },
			...['getAll', 'batches', 'cursor'].map((read) => ({ ...base, read })),
			...[4].map((readRanges) => ({ ...base, read: 'transactions', readRanges })),
			{ ...base, random: true },
		].filter(
			(v) =>
				!process.env.BENCH_LAYOUT_ONLY || JSON.stringify(v).includes(process.env.BENCH_LAYOUT_ONLY),
		);
		const results = new Map<string, Record<string, number>[]>();
		for (let rep = 0; rep < REPS; rep++) {
			for (let i = 0; i < variants.length; i++) {
				const v = variants[(i + rep) % variants.length]!;
				const key = JSON.stringify(v);
				const cpuBefore = cpuByProcessType(profile.userDataDir);
				const r = await bench(page, 'pattern', {
					...v,
					fileBytes,
					saves: Number(process.env.BENCH_LAYOUT_SAVES ?? 40),
				});
				const cpuAfter = cpuByProcessType(profile.userDataDir);
				if (process.env.BENCH_CPU)
					console.log(
						key,
						JSON.stringify(r),
						Object.entries(cpuAfter)
							.map(([k, t]) => `${k}: ${t - (cpuBefore[k] ?? 0)} ms`)
							.join(', '),
					);
				results.set(key, [...(results.get(key) ?? []), r]);
			}
		}
		const lines = [
			'| shape | chunk KiB | durability | manifest | read | data | save p50 ms | cold read ms | of which opening ms | warm read ms |',
			'|' + ' --- |'.repeat(10),
		];
		for (const [key, rs] of results) {
			const v = JSON.parse(key) as Record<string, string | number>;
			const med = (k: string) => median(rs.map((r) => r[k]!)).toFixed(2);
			lines.push(
				`| ${v['shape']} | ${Number(v['chunkSize']) / 1024} | ${v['durability']} | ${v['manifest']}${v['lease'] ? ' + lease' : ''} | ${String(v['shape']).startsWith('single-') ? 'one get' : `${String(v['read'])} ×${String(v['readRanges'])}`} | ${v['random'] ? 'random' : 'constant'}${v['settle'] ? `, read after ${Number(v['settle'])} ms` : ''} | ${med('saveP50')} | ${med('coldMs')} | ${med('openedMs')} | ${med('warmMs')} |`,
			);
		}
		const text = `Layout study, ${fileBytes / MB} MB, ${REPS} reps, ${new Date().toISOString()}\n\n${lines.join('\n')}\n`;
		mkdirSync(RESULTS, { recursive: true });
		writeFileSync(resolve(RESULTS, 'layout.md'), text);
		console.log(text);
	} finally {
		await profile.close();
		await harness.close();
	}
});
