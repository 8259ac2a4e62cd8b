import { expect, test } from '@playwright/test';
import { call, openApp } from './helpers';
import { corsTarget } from './support/targets';

let target: Awaited<ReturnType<typeof corsTarget>>;

test.beforeEach(async () => {
	target = await corsTarget();
});

test.afterEach(async () => {
	await target.close();
});

test('a browser notification is shown through the service worker, and clicking it opens the monitor', async ({
	page,
	context,
}) => {
	await context.grantPermissions(['notifications']);
	await openApp(page);
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.goto('/#/channels');
	const add = page.getByRole('form', { name: 'Add a channel' });
	await add.getByLabel('Kind').selectOption('browser');
	await expect(add).toContainText('nothing is shown while it is closed');
	await add.getByLabel('Name').fill('This browser');
	await add.getByRole('button', { name: 'Add channel' }).click();
	await expect(page.getByRole('listitem', { name: 'This browser' })).toBeVisible();

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
	await call(page, 'checks.runNow', { id: monitor.id });

	const shown = () =>
		page.evaluate(async () =>
			(await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
				title: n.title,
				body: n.body,
				tag: n.tag,
				data: n.data as unknown,
			})),
		);
	await expect.poll(shown).toEqual([
		{
			title: '🔴 Payments API is down: HTTP 503, expected 200-299',
			body: target.url,
			tag: `monitor-${monitor.id}`,
			data: { monitorId: monitor.id },
		},
	]);
	await expect
		.poll(async () => (await call(page, 'alerts.log', { monitorId: monitor.id }))[0]?.status)
		.toBe('sent');

	// A click (the service worker's notificationclick) opens the monitor in the open window.
	await page.goto('/#/monitors');
	const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
	await worker.evaluate(async () => {
		// The service worker's scope, as far as used here (the DOM lib has no worker types).
		const scope = self as unknown as EventTarget & {
			registration: { getNotifications(): Promise<Notification[]> };
		};
		const Click = (
			globalThis as unknown as {
				NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
			}
		).NotificationEvent;
		const [notification] = await scope.registration.getNotifications();
		scope.dispatchEvent(new Click('notificationclick', { notification: notification! }));
	});
	await expect(page).toHaveURL(new RegExp(`#/monitors/${monitor.id}$`));
	await expect(page.getByRole('heading', { name: 'Payments API' })).toBeVisible();
});
