/**
 * Which scenarios `npm run bench` runs, and how each writes its part of the shared results files, so one
 * scenario run alone never erases another's numbers.
 *
 * BENCH_ONLY=a,b runs just those; BENCH_SKIP=a,b runs all but those. Scenarios: `persistence`,
 * `sustained`, `history`, `coldopen`, `tabs`, `list`, `charts`, and `layout` (the IndexedDB layout study, which runs only when named in BENCH_ONLY or with
 * BENCH_LAYOUT=1).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SCENARIOS = [
	'persistence',
	'sustained',
	'history',
	'coldopen',
	'tabs',
	'list',
	'charts',
	'layout',
] as const;
export type Scenario = (typeof SCENARIOS)[number];
const OPT_IN: readonly Scenario[] = ['layout'];

function listFrom(name: string): Scenario[] | null {
	const raw = process.env[name]?.trim();
	if (!raw) return null;
	const names = raw.split(',').map((s) => s.trim());
	for (const n of names)
		if (!(SCENARIOS as readonly string[]).includes(n))
			throw new Error(`${name}: unknown scenario "${n}" (known: ${SCENARIOS.join(', ')})`);
	return names as Scenario[];
}

export function selected(scenario: Scenario): boolean {
	const only = listFrom('BENCH_ONLY');
	const skip = listFrom('BENCH_SKIP') ?? [];
	if (process.env.BENCH_LAYOUT === '1') return scenario === 'layout';
	if (only) return only.includes(scenario);
	return !skip.includes(scenario) && !OPT_IN.includes(scenario);
}

export const RESULTS = resolve(import.meta.dirname, 'results');

/** Replaces the given top-level keys of results/latest.json, keeping every other key as it was. */
export function mergeResults(values: Record<string, unknown>): void {
	const file = resolve(RESULTS, 'latest.json');
	const current = existsSync(file)
		? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
		: {};
	mkdirSync(RESULTS, { recursive: true });
	writeFileSync(file, JSON.stringify({ ...current, ...values }, null, '\t') + '\n');
}

/**
 * Replaces one scenario's section of results/latest.md (between its begin/end comments), adding it at
 * the end when it is not there yet. Text outside any section is kept.
 */
export function writeSection(scenario: Scenario, text: string): void {
	const file = resolve(RESULTS, 'latest.md');
	const begin = `<!-- begin ${scenario} -->`;
	const end = `<!-- end ${scenario} -->`;
	const block = `${begin}\n${text.trimEnd()}\n${end}\n`;
	const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
	const from = current.indexOf(begin);
	const to = current.indexOf(end);
	const next =
		from >= 0 && to > from
			? current.slice(0, from) + block + current.slice(to + end.length).replace(/^\n/, '')
			: (current.trimEnd() ? current.trimEnd() + '\n\n' : '') + block;
	mkdirSync(RESULTS, { recursive: true });
	writeFileSync(file, next);
}
