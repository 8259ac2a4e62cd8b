/**
 * The history section of `npm run bench` (issue 21): runs tests/bench/history/run.ts in Node (the
 * generator, the app's stores and node:zlib; no browser needed) on the reference workload W, 100
 * monitors every 60 s for 90 days, or `BENCH_HISTORY_MONITORS` of them. Its report goes to
 * tests/bench/results/history.md. Run only this: BENCH_ONLY=history npm run bench.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { selected } from './scenarios';

test('history: W built through the stores, weighed, opened and queried; old layout for the ratio; compaction cost', () => {
	test.skip(!selected('history'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	const monitors = process.env.BENCH_HISTORY_MONITORS ?? '100';
	const root = join(import.meta.dirname, '../..');
	execFileSync(
		process.execPath,
		[
			join(root, 'node_modules/tsx/dist/cli.mjs'),
			'tests/bench/history/run.ts',
			'--monitors',
			monitors,
		],
		{ cwd: root, stdio: 'inherit' },
	);
});
