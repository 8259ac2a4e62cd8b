/**
 * A file imported in a follower window goes to the owner's worker alone (issue 19, item 8). A third
 * page listens on the channel every window's worker listens on, as a bystander: it must never see the
 * call that carries the file, nor the preview's reply.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { V003 } from '../fixtures/import/build';
import { openApp } from './helpers';
import { dropFile, importDialog } from './support/files';

test('a file dropped in a follower window reaches the owner, and no other window', async ({
	page,
}) => {
	await openApp(page, '/#/monitors');
	const follower = await page.context().newPage();
	await openApp(follower, '/#/monitors');
	const bystander = await page.context().newPage();
	// A page of the same origin that does not start the app: it only listens.
	await bystander.goto('/favicon.svg');
	await bystander.evaluate(() => {
		const w = globalThis as unknown as { heard: { type: string; method?: string }[] };
		w.heard = [];
		// The channel's name is the app's (src/worker/runtime/tabs/protocol.ts, CHANNEL_NAME).
		new BroadcastChannel('monitor-db').onmessage = (event: MessageEvent<{ type: string }>) =>
			w.heard.push({ type: event.data.type, method: (event.data as { method?: string }).method });
	});

	await dropFile(follower, 'v003.db', readFileSync(V003));
	const dialog = importDialog(follower);
	await expect(dialog.getByRole('table')).toContainText('v003.db');
	await dialog.getByRole('button', { name: 'Replace database' }).click();
	await expect(follower.getByText(/Imported “v003\.db”/)).toBeVisible();
	await expect(page.getByRole('listitem', { name: 'Homepage' })).toBeVisible();

	const heard = await bystander.evaluate(
		() => (globalThis as unknown as { heard: { type: string; method?: string }[] }).heard,
	);
	// It did hear the owner's broadcasts (the import changed tables), so it was listening.
	expect(heard.some((m) => m.type === 'changed')).toBe(true);
	expect(heard.filter((m) => m.type === 'call' || m.type === 'reply')).toEqual([]);
});
