/**
 * The history section of `npm run bench` (issue 21), two parts, both on the reference workload W, 100
 * monitors every 60 s for 90 days, or `BENCH_HISTORY_MONITORS` of them:
 * - the stores: tests/bench/history/run.ts in Node (the generator, the app's stores and node:zlib; no
 *   browser needed) builds W, weighs, opens and queries it; report tests/bench/results/history.md;
 * - the UI: W (built once into tests/bench/.cache/, history/w-file.ts) imported into the real app in
 *   Chromium, then a monitor's 30-day chart opened 20 times; report tests/bench/results/history-ui.md.
 * Run only this: BENCH_ONLY=history npm run bench (add `-- -g "history UI"` or `-- -g "history stores"` for one part).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { measureUi } from './history/ui';
import { RESULTS, selected } from './scenarios';

const monitors = process.env.BENCH_HISTORY_MONITORS ?? '100';

test('history stores: W built through the stores, weighed, opened and queried; old layout for the ratio; compaction cost', () => {
	test.skip(!selected('history'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
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

test('history UI: a 30-day chart opened in the app on W', async () => {
	test.skip(!selected('history'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	const lines = await measureUi(Number(monitors));
	writeFileSync(join(RESULTS, 'history-ui.md'), `${lines.join('\n')}\n`);
});
