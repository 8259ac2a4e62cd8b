import { expect, test } from '@playwright/test';
import { buildVersion, startServer, type SwitchableServer } from './support/builds';
import { call, monitorInput, openApp } from './helpers';

// Two builds side by side, as in a browser without service workers or a window opened while the
// update was deployed. With the service worker, a new build arrives through its prompt instead:
// tests/e2e/update.spec.ts covers that path, older window included.
test.use({ serviceWorkers: 'block' });
let v1: string;
let v2: string;
let server: SwitchableServer;

test.beforeAll(async () => {
	test.setTimeout(120_000);
	v1 = buildVersion(1);
	v2 = buildVersion(2);
	server = await startServer(v1);
});

test.afterAll(async () => {
	await server.close();
});

test('a window of an older build stops writing once a newer build owns the database, and says reload', async ({
	context,
}) => {
	server.serve(v1);
	const old = await context.newPage();
	await openApp(old, server.url);
	await call(old, 'monitors.create', monitorInput('Written by version 1'));
	// The list refreshes a moment after the write; a refresh that lands after the hand-over is refused.
	await expect(old.getByRole('listitem', { name: 'Written by version 1' })).toBeVisible();

	server.serve(v2);
	const fresh = await context.newPage();
	await openApp(fresh, server.url);
	// The banner's own words: a refused refresh may also say "a newer version ..." in a notice.
	await expect(
		old.getByText('A newer version of Monitor is open in another window. Reload this one'),
	).toBeVisible();
	await expect(old.getByRole('button', { name: 'Add monitor' })).toBeDisabled();

	const refused = await old.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a: unknown): Promise<unknown> } };
			}
		).monitor;
		try {
			await handle.db.call('monitors.create', {
				name: 'Stale write',
				url: 'http://127.0.0.2:9',
				intervalS: 60,
			});
			return null;
		} catch (error) {
			return (error as { code: string }).code;
		}
	});
	expect(refused).toBe('app-outdated');

	await call(fresh, 'monitors.create', monitorInput('Written by version 2'));
	const names = (await call(fresh, 'monitors.list')).map((m) => m.name);
	expect(names).toEqual(['Written by version 1', 'Written by version 2']);

	await old.getByRole('button', { name: 'Reload' }).click();
	await expect(old.getByRole('listitem')).toHaveCount(2);
	await expect(old.getByText('A newer version of Monitor')).toHaveCount(0);
});
