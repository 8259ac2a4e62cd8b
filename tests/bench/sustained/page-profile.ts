/**
 * Where the page's main thread spends the sustained run (BENCH_SUSTAINED_PROFILE=1): Chromium's CPU
 * profile of the page, its self time by source module, and its busy stretches over 50 ms (the long
 * tasks) with what filled them. The app is then built without minifying, so the bundle keeps its
 * `// path/of/module` headers and function names; a sample's line says which module it ran in.
 */
import type { CDPSession } from '@playwright/test';
import type { CpuProfile } from '../probes';

export async function startPageProfile(session: CDPSession): Promise<void> {
	await session.send('Profiler.enable');
	await session.send('Profiler.setSamplingInterval', { interval: 500 });
	await session.send('Profiler.start');
}

export async function stopPageProfile(session: CDPSession): Promise<CpuProfile> {
	const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: CpuProfile };
	return profile;
}

/** The module a bundle's line belongs to: the header comments an unminified build keeps. */
async function moduleMap(urls: string[]): Promise<(url: string, line: number) => string> {
	const maps = new Map<string, { line: number; name: string }[]>();
	for (const url of urls) {
		if (!url.startsWith('http')) continue;
		const text = await (await fetch(url)).text().catch(() => '');
		const starts: { line: number; name: string }[] = [];
		text.split('\n').forEach((line, i) => {
			// The path is relative to the root, which may reach node_modules through a link (../x/node_modules).
			const m = /^\/\/ \S*?((?:node_modules|src)\/\S+)$/.exec(line);
			if (m) starts.push({ line: i, name: m[1]!.replace(/^node_modules\//, '') });
		});
		maps.set(url, starts);
	}
	return (url, line) => {
		const starts = maps.get(url);
		if (!starts || starts.length === 0) return url ? (url.split('/').pop() ?? url) : '(native)';
		let name = '(bundle prelude)';
		for (const s of starts) {
			if (s.line > line) break;
			name = s.name;
		}
		// Svelte's runtime as one entry, split by area, so the table stays readable.
		const svelte = /^svelte\/src\/internal\/client\/(\w+)/.exec(name);
		return svelte ? `svelte runtime (${svelte[1]})` : name;
	};
}

function add(map: Map<string, number>, key: string, ms: number): void {
	map.set(key, (map.get(key) ?? 0) + ms);
}

function top(map: Map<string, number>, count: number): [string, number][] {
	return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

export interface ProfileSummary {
	busyMs: number;
	wallMs: number;
	byModule: [string, number][];
	byFunction: [string, number][];
	/** Busy stretches of at least 50 ms: start (s into the profile), length, and what filled them. */
	longStretches: { atS: number; ms: number; modules: [string, number][] }[];
}

/**
 * Self time by module and by function, and the stretches of consecutive busy samples (no idle sample
 * between them) of 50 ms or more: a sampled stand-in for long tasks that says what they did.
 */
export async function summarise(profile: CpuProfile): Promise<ProfileSummary> {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const urls = [...new Set(profile.nodes.map((n) => n.callFrame.url))];
	const moduleOf = await moduleMap(urls);
	const byModule = new Map<string, number>();
	const byFunction = new Map<string, number>();
	const stretches: ProfileSummary['longStretches'] = [];
	let stretch: { start: number; ms: number; modules: Map<string, number> } | null = null;
	let at = 0;
	let busyMs = 0;
	profile.samples.forEach((id, i) => {
		const ms = (profile.timeDeltas[i] ?? 0) / 1000;
		at += ms;
		const frame = byId.get(id)!.callFrame;
		const name = frame.functionName || '(anonymous)';
		const idle = name === '(idle)';
		if (!idle) {
			busyMs += ms;
			const module = frame.url ? moduleOf(frame.url, frame.lineNumber) : name;
			add(byModule, module, ms);
			add(byFunction, `${name} [${module}]`, ms);
			stretch ??= { start: at, ms: 0, modules: new Map() };
			stretch.ms += ms;
			add(stretch.modules, module, ms);
		} else if (stretch) {
			if (stretch.ms >= 50)
				stretches.push({
					atS: stretch.start / 1000,
					ms: stretch.ms,
					modules: top(stretch.modules, 6),
				});
			stretch = null;
		}
	});
	return {
		busyMs,
		wallMs: (profile.endTime - profile.startTime) / 1000,
		byModule: top(byModule, 25),
		byFunction: top(byFunction, 30),
		longStretches: stretches.sort((a, b) => b.ms - a.ms).slice(0, 15),
	};
}

export function printSummary(s: ProfileSummary): string {
	const ms = (v: number) => `${v.toFixed(0).padStart(7)} ms`;
	return [
		`Page main thread: busy ${s.busyMs.toFixed(0)} ms of ${s.wallMs.toFixed(0)} ms (${((100 * s.busyMs) / s.wallMs).toFixed(1)}%)`,
		'Self time by module:',
		...s.byModule.map(([k, v]) => `${ms(v)}  ${k}`),
		'Self time by function:',
		...s.byFunction.map(([k, v]) => `${ms(v)}  ${k}`),
		`Busy stretches ≥ 50 ms (${s.longStretches.length} longest):`,
		...s.longStretches.map(
			(st) =>
				`${ms(st.ms)} at ${st.atS.toFixed(1)} s: ${st.modules.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`,
		),
	].join('\n');
}
