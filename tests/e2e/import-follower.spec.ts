/**
 * A file imported in a follower window goes to the owner's worker alone (issue 19, item 8): each
 * worker counts the calls, and the bytes of files in them, that reached it on any channel
 * (`monitorTabTraffic` in its scope), and a bystander page listens on the channel every window's
 * worker listens on.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { V003 } from '../fixtures/import/build';
import { openApp } from './helpers';
import { dropFile, importDialog } from './support/files';

interface Traffic {
	calls: number;
	callBytes: number;
}

/** What calls reached the page's database worker, as the worker counted them. */
async function traffic(page: Page): Promise<Traffic> {
	const worker = page.workers().find((w) => w.url().includes('main'));
	if (!worker) throw new Error(`no database worker in ${page.url()}`);
	return worker.evaluate(() =>
		(globalThis as unknown as { monitorTabTraffic(): Traffic }).monitorTabTraffic(),
	);
}

test('a file dropped in a follower window reaches the owner, and no other window', async ({
	page,
}) => {
	const file = readFileSync(V003);
	await openApp(page, '/#/monitors');
	const follower = await page.context().newPage();
	await openApp(follower, '/#/monitors');
	const other = await page.context().newPage();
	await openApp(other, '/#/monitors');
	const bystander = await page.context().newPage();
	// A page of the same origin that does not start the app: it only listens.
	await bystander.goto('/favicon.svg');
	await bystander.evaluate(() => {
		const w = globalThis as unknown as { heard: { type: string }[] };
		w.heard = [];
		// The channel's name is the app's (src/worker/runtime/tabs/protocol.ts, CHANNEL_NAME).
		new BroadcastChannel('monitor-db').onmessage = (event: MessageEvent<{ type: string }>) =>
			w.heard.push({ type: event.data.type });
	});
	const before = await Promise.all([page, follower, other].map(traffic));

	await dropFile(follower, 'v003.db', file);
	const dialog = importDialog(follower);
	await expect(dialog.getByRole('table')).toContainText('v003.db');
	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(follower.getByText(/Imported “v003\.db”/)).toBeVisible();
	await expect(page.getByRole('listitem', { name: 'Homepage' })).toBeVisible();
	await expect(other.getByRole('listitem', { name: 'Homepage' })).toBeVisible();

	const [owner, sender, third] = await Promise.all([page, follower, other].map(traffic));
	// The file reached the owner (once: the preview keeps it there for the import that follows)...
	expect(owner!.callBytes - before[0]!.callBytes).toBeGreaterThanOrEqual(file.length);
	// ...and no other worker had any call to read, let alone the file.
	expect(sender).toEqual(before[1]);
	expect(third).toEqual(before[2]);
	const heard = await bystander.evaluate(
		() => (globalThis as unknown as { heard: { type: string }[] }).heard,
	);
	// It did hear the owner's broadcasts (the import changed tables), so it was listening.
	expect(heard.some((m) => m.type === 'changed')).toBe(true);
	expect(heard.filter((m) => m.type === 'call' || m.type === 'reply')).toEqual([]);
	console.log(
		`the owner's worker received ${owner!.callBytes - before[0]!.callBytes} bytes of files for a ${file.length}-byte import; the others 0`,
	);
});
