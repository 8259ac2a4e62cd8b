import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';
import { corsTarget } from './support/targets';

test('a second window works at once through the owner, and takes over when the owner closes', async ({
	context,
}) => {
	const first = await context.newPage();
	await openApp(first);
	await call(first, 'monitors.create', monitorInput('Written by the first window'));

	const second = await context.newPage();
	await openApp(second);
	await expect(second.getByRole('listitem', { name: 'Written by the first window' })).toBeVisible();

	await first.close();
	await call(second, 'monitors.create', monitorInput('Written after the hand-over'));
	await second.reload();
	await expect(second.getByRole('listitem')).toHaveCount(2);
	await expect(second.getByTestId('save-indicator')).toHaveAttribute(
		'title',
		/Saved by this window/,
	);
});

test('sql.js compiles its wasm with streaming instantiation from a hashed asset', async ({
	page,
}) => {
	const messages: string[] = [];
	page.on('console', (m) => messages.push(m.text()));
	const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
	await openApp(page);
	const response = await wasm;
	expect(response.url()).toMatch(/\/assets\/sql-wasm-browser-[\w-]{8}\.wasm$/);
	expect(response.headers()['content-type']).toBe('application/wasm');
	expect(messages.filter((m) => /streaming compile failed|falling back/i.test(m))).toEqual([]);
});

test('a frozen owner window: another window takes over after its heartbeat stops, and the frozen one is fenced', async ({
	context,
}) => {
	test.setTimeout(300_000);
	const first = await context.newPage();
	await openApp(first);
	await call(first, 'monitors.create', monitorInput('Before the freeze'));
	const second = await context.newPage();
	await openApp(second);
	await expect(second.getByRole('listitem', { name: 'Before the freeze' })).toBeVisible();

	// The owner's database worker stops running (its thread blocked, as in a frozen page) and keeps the
	// Web Lock: no heartbeat, no answers. Freezing the page through the DevTools protocol
	// (Page.setWebLifecycleState) leaves a dedicated worker running in this Chromium, so block it. The
	// blocked thread asks a local server, with synchronous requests that run no event, whether to wake:
	// once the other window has taken over, rather than after a fixed 100 s.
	const thaw = await corsTarget({ status: 200, body: 'frozen' });
	const names = await Promise.all(first.workers().map((w) => w.evaluate(() => self.name)));
	const owner = first.workers()[names.indexOf('monitor-db')]!;
	const frozen = owner
		.evaluate(
			({ url, ms }) => {
				const until = Date.now() + ms;
				let asked = 0;
				while (Date.now() < until) {
					if (Date.now() - asked < 250) continue;
					asked = Date.now();
					const request = new XMLHttpRequest();
					request.open('GET', url, false);
					request.send();
					if (request.responseText === 'thaw') return;
				}
			},
			{ url: thaw.url, ms: 150_000 },
		)
		.catch(() => undefined);

	await call(second, 'monitors.create', monitorInput('While the owner is frozen'));
	await expect(second.getByTestId('save-indicator')).toHaveAttribute(
		'title',
		/Saved by this window/,
	);
	thaw.state.body = 'thaw';

	// Awake again, the old owner steps down: the lock is gone, its writes are fenced.
	await frozen;
	await thaw.close();
	await expect(
		first.getByText('A newer version of Monitor is open in another window'),
	).toBeVisible();
	await second.reload();
	await expect(second.getByRole('listitem')).toHaveCount(2);
});
