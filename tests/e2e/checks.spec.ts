import { expect, test, type Page } from '@playwright/test';
import type { MonitorInput } from '../../src/shared/monitors';
import { call, openApp } from './helpers';
import {
	corsTarget,
	errorTarget,
	hangUpTarget,
	noCorsTarget,
	slowTarget,
	type Target,
} from './support/targets';

const targets: Target[] = [];
test.afterEach(async () => {
	await Promise.all(targets.splice(0).map((t) => t.close()));
});

async function keep<T extends Target>(target: Promise<T>): Promise<T> {
	const t = await target;
	targets.push(t);
	return t;
}

/** Creates a monitor (checked at once) and waits until its first check is recorded. */
async function watch(page: Page, input: Partial<MonitorInput> & { url: string; name: string }) {
	const monitor = await call(page, 'monitors.create', { intervalS: 60, ...input });
	await expect
		.poll(async () => (await detail(page, monitor.id)).status.lastCheck, { timeout: 15_000 })
		.not.toBeNull();
	return monitor;
}

function detail(page: Page, id: number) {
	return call(page, 'monitors.detail', { id, range: '1h' });
}

async function checkAgain(page: Page, id: number) {
	const before = (await detail(page, id)).status.lastCheck?.id ?? 0;
	await call(page, 'checks.runNow', { id });
	await expect
		.poll(async () => (await detail(page, id)).status.lastCheck?.id ?? 0, { timeout: 15_000 })
		.toBeGreaterThan(before);
	return detail(page, id);
}

test('full and reachability checks against real servers: states, messages, modes and conditions', async ({
	page,
}) => {
	await openApp(page);
	const cors = await keep(corsTarget());
	const plain = await keep(noCorsTarget());
	const failing = await keep(errorTarget());
	const hangUp = await keep(hangUpTarget());

	const healthy = await watch(page, { name: 'CORS API', url: cors.url });
	let d = await detail(page, healthy.id);
	expect(d.status.state).toBe('up');
	expect(d.status.lastCheck).toMatchObject({ outcome: 'up', httpStatus: 200, mode: 'full' });
	expect(d.status.lastCheck!.message).toMatch(/^HTTP 200 in \d+ ms$/);

	const json = await watch(page, {
		name: 'JSON condition',
		url: cors.url,
		conditions: { json: { path: 'db.latency', operator: '<', value: '5' } },
	});
	d = await detail(page, json.id);
	expect(d.status.lastCheck).toMatchObject({
		outcome: 'down',
		message: 'HTTP 200, db.latency is 12, expected < 5',
	});

	const keyword = await watch(page, {
		name: 'Keyword',
		url: cors.url,
		conditions: { keyword: { text: '"ok"', present: true } },
	});
	expect((await detail(page, keyword.id)).status.state).toBe('up');

	const blocked = await watch(page, { name: 'No CORS', url: plain.url });
	d = await detail(page, blocked.id);
	expect(d.status).toMatchObject({ state: 'down', corsBlocked: true });
	expect(d.status.lastCheck!.message).toMatch(/CORS/);

	const reachable = await watch(page, {
		name: 'No CORS, reachability',
		url: plain.url,
		mode: 'reachability',
	});
	d = await detail(page, reachable.id);
	expect(d.status.lastCheck).toMatchObject({
		outcome: 'up',
		httpStatus: null,
		mode: 'reachability',
	});
	expect(d.status.lastCheck!.message).toMatch(/^Reachable in \d+ ms$/);

	const error = await watch(page, { name: 'Server error', url: failing.url });
	expect((await detail(page, error.id)).status.lastCheck).toMatchObject({
		outcome: 'down',
		httpStatus: 500,
		message: 'HTTP 500, expected 200-299',
	});
	const expected500 = await watch(page, {
		name: 'Expects 500',
		url: failing.url,
		conditions: { statusCodes: '500' },
	});
	expect((await detail(page, expected500.id)).status.state).toBe('up');

	const closed = await watch(page, { name: 'Hangs up', url: hangUp.url });
	d = await detail(page, closed.id);
	expect(d.status).toMatchObject({ state: 'down', corsBlocked: false });
	expect(d.status.lastCheck!.message).toMatch(/^Unreachable/);
	expect(hangUp.hits).toBeGreaterThanOrEqual(1);

	// The list shows each state.
	await page.reload();
	const row = (name: string) => page.getByRole('listitem', { name, exact: true });
	await expect(row('CORS API').locator('[data-state]')).toHaveText('Up');
	await expect(row('No CORS').locator('[data-state]')).toHaveText('Down');
	await expect(row('Server error').locator('[data-state]')).toHaveText('Down');
	await expect(row('CORS API').getByTestId('uptime-24h')).toHaveText('100%');
});

test('slow answers: degraded above the threshold, down after the timeout', async ({ page }) => {
	await openApp(page);
	const slow = await keep(slowTarget(1200));
	const degraded = await watch(page, {
		name: 'Slow',
		url: slow.url,
		conditions: { maxResponseMs: 300 },
	});
	const d = await detail(page, degraded.id);
	expect(d.status.state).toBe('degraded');
	expect(d.status.lastCheck!.message).toMatch(/^HTTP 200 in \d+ ms, slower than 300 ms$/);

	const timedOut = await watch(page, { name: 'Too slow', url: slow.url, timeoutMs: 500 });
	expect((await detail(page, timedOut.id)).status.lastCheck).toMatchObject({
		outcome: 'down',
		message: 'No answer within 0.5 s',
	});
});

test('a monitor goes down and comes back: retries, events, and the page shows them', async ({
	page,
}) => {
	await openApp(page);
	const target = await keep(corsTarget());
	const monitor = await watch(page, { name: 'Flaky', url: target.url, retries: 1 });

	target.state.status = 503;
	let d = await checkAgain(page, monitor.id);
	expect(d.status).toMatchObject({ state: 'up', retrying: true });
	d = await checkAgain(page, monitor.id);
	expect(d.status).toMatchObject({ state: 'down', retrying: false });
	target.state.status = 200;
	d = await checkAgain(page, monitor.id);
	expect(d.status.state).toBe('up');
	expect(d.events.map((e) => [e.from, e.to])).toEqual([
		['down', 'up'],
		['up', 'down'],
		[null, 'up'],
	]);

	await page.goto(`/#/monitors/${monitor.id}`);
	await expect(page.getByRole('heading', { name: 'Flaky', level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'State changes' })).toBeVisible();
	await expect(page.locator('.events li')).toHaveCount(3);
	await expect(page.getByRole('figure')).toBeVisible();
	await expect(page.getByTestId('uptime-24h')).toHaveText('50.00%');
});

test('offline, checks pause and nothing is recorded as a failure; they resume online', async ({
	page,
	context,
}) => {
	await openApp(page);
	const target = await keep(corsTarget());
	const monitor = await watch(page, { name: 'Paused offline', url: target.url });
	const before = (await detail(page, monitor.id)).checks.length;

	await context.setOffline(true);
	await expect(page.getByText('Paused: offline.')).toBeVisible();
	await call(page, 'checks.runNow', { id: monitor.id });
	await page.waitForTimeout(1500);
	expect((await detail(page, monitor.id)).checks).toHaveLength(before);

	await context.setOffline(false);
	await expect(page.getByText('Paused: offline.')).toBeHidden();
	await expect
		.poll(async () => (await detail(page, monitor.id)).checks.length, { timeout: 15_000 })
		.toBe(before + 1);
	expect((await detail(page, monitor.id)).status.state).toBe('up');
});

test('before an update takes over, a flush can hold scheduled checks for a moment; they run when it ends', async ({
	page,
}) => {
	await openApp(page);
	const target = await keep(corsTarget());
	const monitor = await watch(page, { name: 'Held', url: target.url });
	const hits = target.hits;

	const held = Date.now();
	await call(page, 'database.flush', { holdChecksMs: 3_000 });
	await call(page, 'checks.runNow', { id: monitor.id });
	await expect.poll(() => target.hits, { timeout: 15_000 }).toBe(hits + 1);
	// Asked for at once, it ran only once the hold was over (timed where the request arrived).
	expect(target.lastHitAt - held).toBeGreaterThanOrEqual(3_000);
});

test('a full check refused by CORS offers reachability mode, and switching works', async ({
	page,
}) => {
	await openApp(page);
	const plain = await keep(noCorsTarget());
	const monitor = await watch(page, { name: 'Public site', url: plain.url });
	await page.goto(`/#/monitors/${monitor.id}`);
	await expect(
		page.getByText('This server does not allow full checks from a browser.'),
	).toBeVisible();
	await page.getByRole('button', { name: 'Switch to reachability' }).click();
	await expect
		.poll(async () => (await detail(page, monitor.id)).status.lastCheck?.mode, { timeout: 15_000 })
		.toBe('reachability');
	await expect(page.getByTestId('last-message')).toContainText('Reachable in');
	await expect(
		page.getByText('This server does not allow full checks from a browser.'),
	).toBeHidden();
});
