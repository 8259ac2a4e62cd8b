/**
 * Maintenance windows in real Chromium, with a local failing server and a webhook receiver on 127.0.0.1:
 * inside a window checks are recorded as `maintenance` and nothing is sent; after it, exactly one down
 * message; the window's start and end are in the monitor's history and the activity log. The form
 * makes a weekly window and says what is wrong with a bad one. With A11Y_SCREENSHOTS set, the
 * Maintenance page and the list with a monitor in maintenance are saved in light and dark.
 */
import { expect, test, type Page } from '@playwright/test';
import { call, openApp } from './helpers';
import { startReceiver, type Receiver } from './support/fake-receivers';
import { corsTarget } from './support/targets';

let hook: Receiver;
let target: Awaited<ReturnType<typeof corsTarget>>;

test.beforeEach(async () => {
	[hook, target] = await Promise.all([startReceiver('webhook'), corsTarget()]);
});

test.afterEach(async () => {
	await Promise.all([hook.close(), target.close()]);
});

async function shoot(page: Page, name: string) {
	const shots = process.env.A11Y_SCREENSHOTS;
	if (!shots) return;
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.screenshot({ path: `${shots}/${name}-${colorScheme}.png`, fullPage: true });
	}
	await page.emulateMedia({ colorScheme: null });
}

const detail = (page: Page, id: number) => call(page, 'monitors.detail', { id, range: '1h' });

test('inside a window a failing monitor records maintenance and sends nothing; after it, exactly one down', async ({
	page,
}) => {
	await openApp(page);
	await call(page, 'channels.save', {
		kind: 'webhook',
		name: 'Ops webhook',
		config: { url: `${hook.url}/alerts` },
		secret: {},
		isDefault: true,
		enabled: true,
	});
	const monitor = await call(page, 'monitors.create', {
		name: 'Payments API',
		url: target.url,
		intervalS: 600,
	});
	await expect.poll(async () => (await detail(page, monitor.id)).status.state).toBe('up');
	for (const name of ['Search', 'Checkout'])
		await call(page, 'monitors.create', { name, url: target.url, intervalS: 600 });

	const windowMs = 15_000;
	const start = Date.now() - 60_000;
	const end = Date.now() + windowMs;
	await call(page, 'windows.create', {
		name: 'Database upgrade',
		kind: 'once',
		startsAt: start,
		endsAt: end,
		days: [],
		startMinute: null,
		endMinute: null,
		timeZone: 'Europe/Berlin',
		allMonitors: false,
		monitorIds: [monitor.id],
	});

	target.state.status = 503;
	await call(page, 'checks.runNow', { id: monitor.id });
	await expect
		.poll(async () => (await detail(page, monitor.id)).checks[0]?.outcome)
		.toBe('maintenance');
	const during = await detail(page, monitor.id);
	expect(during.status.state).toBe('up');
	expect(during.status.maintenance).toMatchObject({ name: 'Database upgrade', until: end });
	await call(page, 'checks.runNow', { id: monitor.id });
	await expect
		.poll(
			async () =>
				(await detail(page, monitor.id)).checks.filter((c) => c.outcome === 'maintenance').length,
		)
		.toBe(2);

	// The list and the monitor page say so.
	await page.goto('/#/monitors');
	const row = page.getByRole('listitem').filter({ hasText: 'Payments API' });
	await expect(row.locator('[data-state="maintenance"]')).toHaveText('Maintenance');
	await shoot(page, 'Maintenance-list');
	await page.goto(`/#/monitors/${monitor.id}`);
	await expect(page.getByTestId('maintenance-now')).toContainText('In “Database upgrade” since');
	await expect(page.getByText('Uptime 24h · maintenance excluded')).toBeVisible();
	await expect(page.getByTestId('chart-maintenance')).toContainText('Database upgrade');

	// Nothing was sent (the dispatcher had a few seconds to send anything queued).
	await page.waitForTimeout(2_000);
	expect(hook.received).toHaveLength(0);

	// After the window: the next real result decides; up before, down after: one down message.
	await page.waitForTimeout(Math.max(0, end - Date.now() + 200));
	await call(page, 'checks.runNow', { id: monitor.id });
	await expect.poll(async () => (await detail(page, monitor.id)).status.state).toBe('down');
	await expect.poll(() => hook.received.length).toBe(1);
	expect(JSON.parse(hook.received[0]!.body)).toMatchObject({
		event: 'down',
		state: 'down',
		previousState: 'up',
	});
	await page.waitForTimeout(1_500);
	expect(hook.received).toHaveLength(1);

	// The start and end are in the monitor's history and in the activity log.
	const after = await detail(page, monitor.id);
	expect(after.status.maintenance).toBeNull();
	expect(after.maintenanceEvents.map((e) => [e.kind, e.at, e.name])).toEqual([
		['end', end, 'Database upgrade'],
		['start', start, 'Database upgrade'],
	]);
	await page.reload();
	await expect(page.getByRole('list', { name: 'Maintenance history' })).toContainText(
		'Left “Database upgrade”',
	);
	const log = await call(page, 'activity.list', { kind: 'maintenance' });
	const messages = log.entries.map((e) => e.message);
	expect(messages).toContain(
		'Payments API entered maintenance window “Database upgrade”: checks are recorded as maintenance and alert nobody.',
	);
	expect(messages).toContain(
		'Payments API left maintenance window “Database upgrade”: its checks count and alert again.',
	);
});

test('the form makes a weekly window, and says what is wrong with a bad one', async ({ page }) => {
	await openApp(page);
	await call(page, 'monitors.create', { name: 'Payments API', url: target.url, intervalS: 600 });
	await page.goto('/#/maintenance');
	const form = page.getByRole('form', { name: 'Add a maintenance window' });
	await form.getByRole('radio', { name: 'Every week' }).check();
	await form.getByRole('button', { name: 'Add window' }).click();
	await expect(form).toContainText('Give the window a name (1 to 100 characters).');
	await expect(form).toContainText('Choose at least one day of the week.');
	await expect(form).toContainText('Enter a start and an end time.');
	await expect(form).toContainText('Choose at least one monitor, or all monitors.');
	expect(await call(page, 'windows.list')).toEqual([]);

	await form.getByLabel('Name').fill('Nightly deploy');
	await form.getByRole('checkbox', { name: 'Mon', exact: true }).check();
	await form.getByRole('checkbox', { name: 'Wed', exact: true }).check();
	await form.getByLabel('From', { exact: true }).fill('23:00');
	await form.getByLabel('To', { exact: true }).fill('01:00');
	await form.getByLabel('Time zone').fill('Europe/Berlin');
	await form.getByRole('checkbox', { name: 'Payments API' }).check();
	await form.getByRole('button', { name: 'Add window' }).click();

	const item = page.getByRole('list', { name: 'Maintenance windows' }).getByRole('listitem', {
		name: 'Nightly deploy',
	});
	await expect(item).toContainText('Every Mon, Wed, 23:00–01:00 (next day), Europe/Berlin');
	await expect(item).toContainText('Covers: Payments API');
	// Mondays and Wednesdays 23:00 to 01:00 in Berlin: happening now, or next.
	await expect(item).toContainText(/Next: .* – |In maintenance now, until /);
	expect(await call(page, 'windows.list')).toMatchObject([
		{ name: 'Nightly deploy', kind: 'weekly', days: [1, 3], startMinute: 1380, endMinute: 60 },
	]);
	await shoot(page, 'Maintenance-page');
});
