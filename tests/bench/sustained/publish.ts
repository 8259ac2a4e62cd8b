/**
 * The sustained scenario's results: the `sustained` key of results/latest.json and its section of
 * results/latest.md, with PASS/FAIL against the goals.
 */
import { median, percentile } from '../report';
import { mergeResults, writeSection } from '../scenarios';
import type { RunFacts } from './analyse';
import { judge } from './goals';
import type { ListResult } from './list';
import type { Memory } from './memory';
import type { SustainedSettings } from './plan';

export interface SustainedResult extends RunFacts {
	date: string;
	machine: string;
	settings: SustainedSettings;
	seed: { fileMB: number; rows: Record<string, number>; rawHours: number; buildS: number };
	coldOpenMs: number;
	wallMs: number;
	workerCpuMs: number;
	workerCpuShare: number;
	/** The worker's own Performance metrics (TaskDuration, ScriptDuration) as a share of the window. */
	workerMetrics: { taskShare: number; scriptShare: number } | null;
	/** CPU of each kind of Chromium process over the window, as a share of one core (0..n). */
	chromiumCpuShare: Record<string, number>;
	chartOpens: number[];
	chartCalls: number[];
	longestMainTaskMs: number;
	memory: { start: Memory; end: Memory };
	list: ListResult;
	targetHits: Record<string, number>;
	alertsSent: number;
}

const r = (value: number | null | undefined, digits = 1) =>
	value === null || value === undefined || !Number.isFinite(value)
		? null
		: Number(value.toFixed(digits));
const f = (value: number | null | undefined, digits = 1) =>
	r(value, digits)?.toFixed(digits) ?? 'n/a';

const roundAll = (memory: Memory) =>
	Object.fromEntries(
		(Object.entries(memory) as [string, number | null][]).map(([k, v]) => [k, r(v)]),
	);

/** Writes the results files and returns the Markdown section (also printed by the caller). */
export function publish(result: SustainedResult): string {
	const { memory: m } = result;
	const heapGrowth =
		m.start.workerJsMB !== null && m.end.workerJsMB !== null
			? m.end.workerJsMB - m.start.workerJsMB
			: null;
	const rendererGrowth =
		m.start.rendererRssMB !== null && m.end.rendererRssMB !== null
			? m.end.rendererRssMB - m.start.rendererRssMB
			: null;
	const { list } = result;
	const values = {
		workerCpuShare: result.workerCpuShare,
		dueDelayP50Ms: result.dueDelayP50Ms,
		dueDelayP95Ms: result.dueDelayP95Ms,
		chartOpenP50Ms: median(result.chartOpens),
		chartOpenP95Ms: percentile(result.chartOpens, 95),
		chartApiP50Ms: median(result.chartCalls),
		chartApiP95Ms: percentile(result.chartCalls, 95),
		checksRunShare: result.checksRunShare,
		workerHeapGrowthMB: heapGrowth,
		longestMainTaskMs: result.longestMainTaskMs,
		rendererGrowthMB: rendererGrowth,
		listScreenMaxMs: Math.max(...list.screenMs),
		listRenderMaxMs: Math.max(...list.renderMs),
		listVisitLongestTaskMs: Math.max(...list.visitLongestTaskMs),
		listScrollLongestTaskMs: list.scrollLongestTaskMs,
	};
	const goals = judge(values);
	const rounded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, r(v, 2)]));
	mergeResults({
		sustained: {
			date: result.date,
			machine: result.machine,
			settings: result.settings,
			seed: {
				...result.seed,
				fileMB: r(result.seed.fileMB),
				rawHours: r(result.seed.rawHours),
				buildS: r(result.seed.buildS, 0),
			},
			minutes: r(result.wallMs / 60_000, 2),
			...rounded,
			dueDelayP99Ms: r(result.dueDelayP99Ms, 0),
			dueDelayMaxMs: r(result.dueDelayMaxMs, 0),
			workerMetrics: result.workerMetrics && {
				taskShare: r(result.workerMetrics.taskShare, 2),
				scriptShare: r(result.workerMetrics.scriptShare, 2),
			},
			chromiumCpuShare: Object.fromEntries(
				Object.entries(result.chromiumCpuShare).map(([k, v]) => [k, r(100 * v, 1)]),
			),
			checks: result.checks,
			checksPerHour: Math.round(result.checksPerHour),
			outcomes: result.outcomes,
			events: result.events,
			alertsSent: result.alertsSent,
			overdueAtExport: result.overdueAtExport,
			chartOpens: result.chartOpens.length,
			chartOpenMaxMs: r(Math.max(...result.chartOpens), 0),
			list: {
				screenMs: list.screenMs.map((v) => r(v, 0)),
				renderMs: list.renderMs.map((v) => r(v, 0)),
				visitLongestTaskMs: list.visitLongestTaskMs.map((v) => r(v, 0)),
				scrollLongestTaskMs: r(list.scrollLongestTaskMs, 0),
				scrollLongestFrameMs: r(list.scrollLongestFrameMs, 0),
				liveLongestTaskMs: r(list.liveLongestTaskMs, 0),
				liveLongestFrameMs: r(list.liveLongestFrameMs, 0),
			},
			coldOpenMs: result.coldOpenMs,
			memory: {
				start: roundAll(m.start),
				end: roundAll(m.end),
			},
			goals: goals.map((g) => ({ ...g, value: r(g.value, 2) })),
		},
	});
	const s = result.settings;
	const lines = [
		'## Sustained monitoring (issue 8)',
		'',
		`Date: ${result.date}`,
		`Machine: ${result.machine}`,
		`${s.monitors} monitors every ${s.intervalS} s (start: ${s.start}), measured for ${f(result.wallMs / 60_000, 1)} min after one interval of warm-up.`,
		`Database: ${f(result.seed.fileMB)} MB at the start (${Object.entries(result.seed.rows)
			.map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
			.join(
				', ',
			)}; raw checks for the last ${f(result.seed.rawHours)} h, rollups and events for 30 days), reopened in ${result.coldOpenMs} ms.`,
		'',
		'| Goal | Target | Result | |',
		'| --- | --- | --- | --- |',
		...goals.map(
			(g) =>
				`| ${g.label} | ${g.target} | ${f(g.value, 1)} | ${g.pass === null ? 'n/a' : g.pass ? 'PASS' : 'FAIL'} |`,
		),
		'',
		'| Measure | Value |',
		'| --- | --- |',
		`| Checks run (per hour) | ${result.checks.toLocaleString('en')} (${Math.round(result.checksPerHour).toLocaleString('en')}/h): ${Object.entries(
			result.outcomes,
		)
			.map(([k, v]) => `${v} ${k}`)
			.join(', ')} |`,
		`| State changes; alerts sent | ${result.events}; ${result.alertsSent} |`,
		`| Delay from due to start p50 / p95 / p99 / max | ${f(result.dueDelayP50Ms, 0)} / ${f(result.dueDelayP95Ms, 0)} / ${f(result.dueDelayP99Ms, 0)} / ${f(result.dueDelayMaxMs, 0)} ms |`,
		`| 30-day chart in the UI p50 / p95 / max (${result.chartOpens.length} opens) | ${f(values.chartOpenP50Ms, 0)} / ${f(values.chartOpenP95Ms, 0)} / ${f(Math.max(...result.chartOpens), 0)} ms |`,
		`| monitors.detail (30 d) p50 / p95 | ${f(values.chartApiP50Ms, 1)} / ${f(values.chartApiP95Ms, 1)} ms |`,
		`| Worker thread CPU (/proc) | ${f(result.workerCpuShare, 1)}% of one core (${f(result.workerCpuMs / 1000, 1)} s in ${f(result.wallMs / 1000, 0)} s) |`,
		`| Worker tasks / script (DevTools Performance metrics) | ${result.workerMetrics ? `${f(result.workerMetrics.taskShare, 1)}% / ${f(result.workerMetrics.scriptShare, 1)}%` : 'n/a'} |`,
		`| Chromium processes, % of one core | ${Object.entries(result.chromiumCpuShare)
			.filter(([, v]) => v >= 0.001)
			.map(([k, v]) => `${k} ${f(100 * v, 1)}`)
			.join(', ')} |`,
		`| Longest main-thread task (tasks ≥ 50 ms; 0: none) | ${f(result.longestMainTaskMs, 0)} ms |`,
		`| Monitor list (${s.monitors} rows), each visit: first screen drawn | ${list.screenMs.map((v) => f(v, 0)).join(', ')} ms |`,
		`| … every row drawn; longest task of the visit | ${list.renderMs.map((v) => f(v, 0)).join(', ')} ms; ${list.visitLongestTaskMs.map((v) => f(v, 0)).join(', ')} ms |`,
		`| List scrolled: longest task / longest frame | ${f(list.scrollLongestTaskMs, 0)} / ${f(list.scrollLongestFrameMs, 0)} ms |`,
		`| List open ${f(list.liveMs / 1000, 0)} s while checks land: longest task / frame | ${f(list.liveLongestTaskMs, 0)} / ${f(list.liveLongestFrameMs, 0)} ms |`,
		`| Memory at start → end: worker JS heap | ${f(m.start.workerJsMB)} → ${f(m.end.workerJsMB)} MB |`,
		`| Worker ArrayBuffers (the database file) | ${f(m.start.workerArrayBuffersMB)} → ${f(m.end.workerArrayBuffersMB)} MB |`,
		`| Renderer RSS | ${f(m.start.rendererRssMB, 0)} → ${f(m.end.rendererRssMB, 0)} MB |`,
		`| SQLite's wasm heap (worker) | ${f(m.start.wasmMB)} → ${f(m.end.wasmMB)} MB |`,
		`| Page JS heap; DOM nodes; event listeners (after GC) | ${f(m.start.pageJsMB)} → ${f(m.end.pageJsMB)} MB; ${f(m.start.pageNodes, 0)} → ${f(m.end.pageNodes, 0)}; ${f(m.start.pageListeners, 0)} → ${f(m.end.pageListeners, 0)} |`,
		`| Database file | ${f(m.start.fileMB)} → ${f(m.end.fileMB)} MB |`,
		'',
	];
	const text = lines.join('\n');
	writeSection('sustained', text);
	return text;
}
