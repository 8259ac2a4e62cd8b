/**
 * Several windows (issue 23's "smaller truths"): how long a change made in one window takes to show in
 * another's monitor list, and how long a write takes when the owning window closes under it (failover).
 * The real app, built as it ships, in one browser profile on disk. Targets: a change visible in the other
 * window in < 200 ms at p95, failover < 1 s.
 *
 * Run only this: BENCH_ONLY=tabs npm run bench. BENCH_TABS_CHANGES (default 40 each way) and
 * BENCH_TABS_FAILOVERS (default 8) set the repetitions.
 */
import { test, type Page } from '@playwright/test';
import { launchProfile } from './chromium';
import { machine, percentile } from './report';
import { mergeResults, selected, writeSection } from './scenarios';
import { serveApp } from './sustained/app';

const CHANGES = Number(process.env.BENCH_TABS_CHANGES ?? 40);
const FAILOVERS = Number(process.env.BENCH_TABS_FAILOVERS ?? 8);
const VISIBLE_TARGET_MS = 200;
const FAILOVER_TARGET_MS = 1000;

type Role = 'owner' | 'follower';

/** Opens the app and waits until this window's database is ready; returns its role. */
async function open(page: Page, url: string): Promise<Role> {
	await page.goto(url);
	return page.evaluate(
		() =>
			new Promise<Role>((resolve) => {
				const db = (
					globalThis as unknown as {
						monitor: {
							db: {
								on(e: 'phase', fn: (p: { phase: string; role?: Role }) => void): () => void;
							};
						};
					}
				).monitor.db;
				db.on('phase', (p) => {
					if (p.phase === 'ready' && p.role) resolve(p.role);
				});
			}),
	);
}

/**
 * Creates a monitor in `writer` and times until its row is in `reader`'s list (a MutationObserver in
 * the reader notes when the name appears). Both clocks are the machine's, read in each page.
 */
async function timeVisible(writer: Page, reader: Page, name: string): Promise<number> {
	const seen = reader.evaluate(
		(n) =>
			new Promise<number>((resolve) => {
				// Epoch milliseconds with sub-millisecond precision, comparable between windows.
				const now = () => performance.timeOrigin + performance.now();
				const selector = `li[aria-label="${CSS.escape(n)}"]`;
				const observer = new MutationObserver(() => {
					if (!document.querySelector(selector)) return;
					observer.disconnect();
					resolve(now());
				});
				observer.observe(document.body, { childList: true, subtree: true });
			}),
		name,
	);
	const started = await writer.evaluate((n) => {
		const at = performance.timeOrigin + performance.now();
		void (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a: unknown): Promise<unknown> } };
			}
		).monitor.db.call('monitors.create', {
			name: n,
			url: `http://127.0.0.2:9/${encodeURIComponent(n)}`,
			intervalS: 60,
			enabled: false,
		});
		return at;
	}, name);
	return (await seen) - started;
}

/**
 * Closes the owning window while the follower starts a write: the time from the close to the write's
 * acknowledgement (the follower notices the lock is free, opens the database as owner, and runs the
 * write it had forwarded), and to its phase saying `owner`.
 */
async function timeFailover(
	owner: Page,
	follower: Page,
	name: string,
): Promise<{ writeMs: number; ownerMs: number }> {
	await follower.evaluate(() => {
		const g = globalThis as unknown as {
			benchOwnerAt?: number;
			monitor: {
				db: { on(e: 'phase', fn: (p: { phase: string; role?: Role }) => void): () => void };
			};
		};
		g.benchOwnerAt = undefined;
		g.monitor.db.on('phase', (p) => {
			if (p.phase === 'ready' && p.role === 'owner') g.benchOwnerAt ??= Date.now();
		});
	});
	const closedAt = Date.now();
	const closing = owner.close();
	const writeMs = await follower.evaluate(
		async ([n, from]) => {
			await (
				globalThis as unknown as {
					monitor: { db: { call(m: string, a: unknown): Promise<unknown> } };
				}
			).monitor.db.call('monitors.create', {
				name: n,
				url: 'http://127.0.0.2:9/failover',
				intervalS: 60,
				enabled: false,
			});
			return Date.now() - from;
		},
		[name, closedAt] as const,
	);
	await closing;
	const ownerAt = await follower
		.waitForFunction(
			() => (globalThis as unknown as { benchOwnerAt?: number }).benchOwnerAt ?? false,
			undefined,
			{ timeout: 10_000 },
		)
		.then((handle) => handle.jsonValue() as Promise<number>);
	return { writeMs, ownerMs: ownerAt - closedAt };
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;

test('tabs: a change seen in another window, and failover when the owner closes', async () => {
	test.skip(!selected('tabs'), 'not selected (BENCH_ONLY / BENCH_SKIP)');
	const app = await serveApp();
	const profile = await launchProfile();
	try {
		const first = await profile.context.newPage();
		const second = await profile.context.newPage();
		const roles = [await open(first, app.url), await open(second, app.url)];
		if (roles[0] !== 'owner' || roles[1] !== 'follower')
			throw new Error(`expected an owner and a follower, got ${roles.join(' and ')}`);

		const ownerToFollower: number[] = [];
		const followerToOwner: number[] = [];
		for (let i = 0; i < CHANGES; i++) {
			ownerToFollower.push(await timeVisible(first, second, `from owner ${i}`));
			followerToOwner.push(await timeVisible(second, first, `from follower ${i}`));
		}

		const writes: number[] = [];
		const owners: number[] = [];
		let owner = first;
		let follower = second;
		for (let i = 0; i < FAILOVERS; i++) {
			const { writeMs, ownerMs } = await timeFailover(owner, follower, `failover ${i}`);
			writes.push(writeMs);
			owners.push(ownerMs);
			owner = follower;
			follower = await profile.context.newPage();
			const role = await open(follower, app.url);
			if (role !== 'follower') throw new Error(`a new window became ${role}`);
		}

		const row = (what: string, values: number[], target: number) => {
			const p95 = percentile(values, 95);
			return `| ${what} | ${ms(percentile(values, 50))} | ${ms(p95)} | < ${target} ms | ${p95 < target ? 'met' : 'missed'} |`;
		};
		const text = [
			'## Several windows',
			'',
			`${machine(profile.context.browser()?.version() ?? 'unknown')}. ${CHANGES} changes each way, ${FAILOVERS} owner closes; the real app in one profile on disk.`,
			'',
			'| Measured | p50 | p95 | target (p95) | |',
			'|---|---|---|---|---|',
			row(
				'owner → follower: a new monitor in the other window’s list',
				ownerToFollower,
				VISIBLE_TARGET_MS,
			),
			row('follower → owner: the same, written in a follower', followerToOwner, VISIBLE_TARGET_MS),
			row('failover: owner closed → a follower’s write acknowledged', writes, FAILOVER_TARGET_MS),
			row('failover: owner closed → the follower reports itself owner', owners, FAILOVER_TARGET_MS),
		].join('\n');
		console.log(`\n${text}\n`);
		writeSection('tabs', text);
		mergeResults({
			tabs: {
				at: new Date().toISOString(),
				ownerToFollowerMs: ownerToFollower,
				followerToOwnerMs: followerToOwner,
				failoverWriteMs: writes,
				failoverOwnerMs: owners,
			},
		});
	} finally {
		await profile.close();
		await app.close();
	}
});
