import { expect, test, type Page } from '@playwright/test';
import { call, openApp } from './helpers';
import { startReceiver, type Receiver } from './support/fake-receivers';
import { corsTarget } from './support/targets';

let hook: Receiver;
let ntfy: Receiver;
let sink: Receiver;
let target: Awaited<ReturnType<typeof corsTarget>>;

test.beforeEach(async () => {
	[hook, ntfy, sink] = await Promise.all([
		startReceiver('webhook'),
		startReceiver('ntfy'),
		startReceiver('no-cors'),
	]);
	target = await corsTarget();
});

test.afterEach(async () => {
	await Promise.all([hook.close(), ntfy.close(), sink.close(), target.close()]);
});

async function addChannels(page: Page) {
	await page.goto('/#/channels');
	const add = page.getByRole('form', { name: 'Add a channel' });
	await add.getByLabel('Name').fill('Ops webhook');
	await add.getByLabel('URL (receives a JSON POST; it must allow CORS)').fill(`${hook.url}/alerts`);
	await add.getByLabel('Secret header (optional)').fill('X-Monitor-Secret');
	await add.getByLabel('Secret header value').fill('hunter2');
	await add.getByRole('button', { name: 'Add channel' }).click();
	const list = page.getByRole('list', { name: 'Channels' });
	await expect(list.getByRole('listitem', { name: 'Ops webhook' })).toBeVisible();
	await expect(add.getByLabel('Name')).toHaveValue('');

	await add.getByLabel('Kind').selectOption('ntfy');
	await add.getByLabel('Name').fill('Phone');
	await add.getByLabel('Server').fill(ntfy.url);
	await add.getByLabel('Topic').fill('monitor-alerts');
	await add.getByLabel('Tags (comma-separated)').fill('warning');
	await add.getByRole('button', { name: 'Add channel' }).click();
	await expect(list.getByRole('listitem', { name: 'Phone' })).toBeVisible();
	await expect(add.getByLabel('Name')).toHaveValue('');

	await add.getByLabel('Kind').selectOption('discord');
	await add.getByLabel('Name').fill('Discord ops');
	await add.getByLabel('Incoming-webhook URL').fill(`${sink.url}/discord`);
	await add.getByRole('button', { name: 'Add channel' }).click();
	const discord = list.getByRole('listitem', { name: 'Discord ops' });
	await expect(discord).toContainText('Delivery cannot be confirmed');
	// The page never shows a secret again.
	await expect(page.locator('body')).not.toContainText('hunter2');
}

async function checkNow(page: Page, id: number, state: 'up' | 'down') {
	await call(page, 'checks.runNow', { id });
	await expect
		.poll(async () => (await call(page, 'monitors.detail', { id, range: '1h' })).status.state)
		.toBe(state);
}

test('a failing monitor sends exactly one down and one up on each channel; the webhook payload has the documented shape', async ({
	page,
}) => {
	await openApp(page);
	await addChannels(page);
	const monitor = await call(page, 'monitors.create', {
		name: 'Payments API',
		url: target.url,
		intervalS: 600,
	});
	await expect
		.poll(
			async () =>
				(await call(page, 'monitors.detail', { id: monitor.id, range: '1h' })).status.state,
		)
		.toBe('up');

	target.state.status = 503;
	await checkNow(page, monitor.id, 'down');
	await expect
		.poll(() => [hook.received.length, ntfy.received.length, sink.received.length])
		.toEqual([1, 1, 1]);
	target.state.status = 200;
	await checkNow(page, monitor.id, 'up');
	await expect
		.poll(() => [hook.received.length, ntfy.received.length, sink.received.length])
		.toEqual([2, 2, 2]);

	// The webhook: a JSON POST, the secret header, after a CORS preflight.
	expect(hook.preflights).toBeGreaterThan(0);
	const [down, up] = hook.received.map((r) => r);
	expect(down!.headers['x-monitor-secret']).toBe('hunter2');
	const payload = JSON.parse(down!.body) as Record<string, unknown>;
	expect(Object.keys(payload).sort()).toEqual(
		[
			'downtimeMs',
			'event',
			'link',
			'message',
			'monitor',
			'previousState',
			'state',
			'text',
			'time',
			'version',
		].sort(),
	);
	expect(payload).toMatchObject({
		version: 1,
		event: 'down',
		monitor: { id: monitor.id, name: 'Payments API', url: target.url },
		state: 'down',
		previousState: 'up',
		message: 'HTTP 503, expected 200-299',
		downtimeMs: null,
		link: `${new URL(page.url()).origin}/#/monitors/${monitor.id}`,
	});
	expect(new Date(payload.time as string).toISOString()).toBe(payload.time);
	expect(JSON.parse(up!.body)).toMatchObject({ event: 'up', state: 'up', previousState: 'down' });

	// ntfy: JSON to the server's root.
	expect(JSON.parse(ntfy.received[0]!.body)).toMatchObject({
		topic: 'monitor-alerts',
		tags: ['warning'],
		priority: 4,
	});

	// The monitor's notification log says what was confirmed and what could not be.
	await page.goto(`/#/monitors/${monitor.id}`);
	const log = page.getByRole('list', { name: 'Notification log' });
	await expect(log.getByRole('listitem')).toHaveCount(6);
	await expect(log.getByRole('listitem').filter({ hasText: 'Discord ops' }).first()).toContainText(
		'sent, unconfirmed',
	);
	await expect(log.getByRole('listitem').filter({ hasText: 'Ops webhook' }).first()).toContainText(
		/^sent/,
	);

	// A reload (a new owner) sends nothing again.
	await page.reload();
	await openApp(page, `/#/monitors/${monitor.id}`);
	await page.waitForTimeout(1500);
	expect([hook.received.length, ntfy.received.length, sink.received.length]).toEqual([2, 2, 2]);

	const shots = process.env.A11Y_SCREENSHOTS;
	if (shots) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			await page.goto('/#/channels');
			await expect(page.getByRole('listitem', { name: 'Phone' })).toBeVisible();
			await page.screenshot({ path: `${shots}/Channels-${colorScheme}.png`, fullPage: true });
			await page.goto(`/#/monitors/${monitor.id}`);
			await expect(log.getByRole('listitem')).toHaveCount(6);
			await page.getByRole('heading', { name: 'Alerts' }).scrollIntoViewIfNeeded();
			await page.screenshot({ path: `${shots}/Monitor-alerts-${colorScheme}.png`, fullPage: true });
		}
	}
});

test('Send test goes through the outbox; a bad channel is refused by field, nothing stored', async ({
	page,
}) => {
	await openApp(page);
	await page.goto('/#/channels');
	const add = page.getByRole('form', { name: 'Add a channel' });
	await add.getByLabel('Kind').selectOption('ntfy');
	await add.getByLabel('Name').fill('Phone');
	await add.getByLabel('Server').fill('ftp://nope');
	await add.getByLabel('Topic').fill('has spaces');
	await add.getByRole('button', { name: 'Add channel' }).click();
	await expect(
		add.getByText('The server is an http(s) address, like https://ntfy.sh.'),
	).toBeVisible();
	await expect(
		add.getByText('A topic is 1–64 letters, digits, dashes or underscores.'),
	).toBeVisible();
	expect(await call(page, 'channels.list')).toEqual([]);

	await add.getByLabel('Server').fill(ntfy.url);
	await add.getByLabel('Topic').fill('tests');
	await add.getByRole('button', { name: 'Add channel' }).click();
	await page.getByRole('button', { name: 'Send test to Phone' }).click();
	await expect.poll(() => ntfy.received.length).toBe(1);
	expect(JSON.parse(ntfy.received[0]!.body)).toMatchObject({
		topic: 'tests',
		title: '✅ Monitor can send alerts to “Phone”.',
	});
	await page.goto('/#/database');
	await expect(page.getByRole('list', { name: 'Activity log' })).toContainText(
		'ntfy alert sent to “Phone”',
	);
});

test('acknowledging a down monitor stops its reminders until the next state change', async ({
	page,
}) => {
	await openApp(page);
	const channel = await call(page, 'channels.save', {
		kind: 'webhook',
		name: 'Hook',
		config: { url: hook.url },
		secret: {},
		isDefault: true,
		enabled: true,
	});
	expect(channel.isDefault).toBe(true);
	const monitor = await call(page, 'monitors.create', {
		name: 'API',
		url: target.url,
		intervalS: 600,
	});
	await expect
		.poll(
			async () =>
				(await call(page, 'monitors.detail', { id: monitor.id, range: '1h' })).status.state,
		)
		.toBe('up');
	target.state.status = 503;
	await checkNow(page, monitor.id, 'down');
	await expect.poll(() => hook.received.length).toBe(1);

	await page.goto(`/#/monitors/${monitor.id}`);
	await page.getByRole('button', { name: 'Acknowledge' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: /Acknowledged on this device at/ }),
	).toContainText('no reminders until');
	expect((await call(page, 'alerts.get', { monitorId: monitor.id })).acknowledgedAt).not.toBeNull();

	// A note on the state change, shown in the history and kept in the database (and so in its export).
	const changes = page.getByRole('region', { name: 'State changes' });
	await changes.getByRole('button', { name: 'Add note' }).first().click();
	await changes
		.getByRole('textbox', { name: /^Note on the down/ })
		.fill('DB failover, fixed by restarting the replica');
	await changes.getByRole('button', { name: 'Save note' }).click();
	await expect(changes).toContainText('📝 DB failover, fixed by restarting the replica');
	const detail = await call(page, 'monitors.detail', { id: monitor.id, range: '1h' });
	expect(detail.events[0]).toMatchObject({
		to: 'down',
		note: 'DB failover, fixed by restarting the replica',
	});
	target.state.status = 200;
	await checkNow(page, monitor.id, 'up');
	await expect.poll(() => hook.received.length).toBe(2);
	expect((await call(page, 'alerts.get', { monitorId: monitor.id })).acknowledgedAt).toBeNull();
});
