/**
 * Cold opens of two builds taking turns (BENCH_COLD_BASELINE=<commit>): the app at that commit, checked
 * out into a temporary worktree and built there, and the app as it is now, each on its own origin (so each
 * has its own copy of W) in one browser. Their opens alternate, so both meet the same moments of a shared
 * machine's load and their medians compare fairly where separate runs would not.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { median } from '../report';
import { openAndTime, type ColdOpen } from './measure';

const ROOT = resolve(import.meta.dirname, '../../..');

/** A worktree of `commit` with this checkout's node_modules linked in (hard links, no install). */
export function checkout(commit: string): { root: string; remove(): void } {
	const root = join(mkdtempSync(join(tmpdir(), 'monitor-baseline-')), 'app');
	execFileSync('git', ['worktree', 'add', '--detach', root, commit], {
		cwd: ROOT,
		stdio: 'ignore',
	});
	if (!existsSync(join(root, 'node_modules')))
		execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(root, 'node_modules')]);
	return {
		root,
		remove: () =>
			execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: ROOT, stdio: 'ignore' }),
	};
}

export interface Side {
	name: string;
	url: string;
	page: Page;
	opens: ColdOpen[];
}

/** `rounds` opens of each side in a new tab, alternating which goes first. */
export async function takeTurns(
	context: BrowserContext,
	sides: [Side, Side],
	rounds: number,
): Promise<string[]> {
	for (let i = 0; i < rounds; i++) {
		for (const side of i % 2 === 0 ? sides : [sides[1], sides[0]]) {
			const next = await openAndTime(context, side.url, side.page);
			side.page = next.page;
			side.opens.push(next.open);
			console.log(`  ${side.name} ${i + 1}: ${next.open.totalMs} ms`);
		}
	}
	return sides.map((side) => {
		const total = side.opens.map((o) => o.totalMs);
		const step = (key: string) => Math.round(median(side.opens.map((o) => o.steps[key] ?? NaN)));
		return `| ${side.name} | ${Math.round(median(total))} ms | ${Math.min(...total)}–${Math.max(...total)} ms | ${step('worker:start')} | ${step('worker:ready')} | ${step('rows')} |`;
	});
}
