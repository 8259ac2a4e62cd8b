import { expect, test, type Page } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

/** Starts `count` monitor creations at once inside the page; resolves with the names that were acknowledged. */
function writeMany(page: Page, prefix: string, count: number): Promise<string[]> {
	return page.evaluate(
		async ([p, n]) => {
			const handle = (
				globalThis as unknown as {
					monitor: { db: { call(m: string, a: unknown): Promise<{ name: string }> } };
				}
			).monitor;
			const ack = (globalThis as unknown as { ack?: (name: string) => Promise<void> }).ack;
			const writes = Array.from({ length: n }, async (_, i) => {
				const made = await handle.db.call('monitors.create', {
					name: `${p} ${String(i).padStart(3, '0')}`,
					url: `http://127.0.0.2:9/${p}/${i}`,
					intervalS: 60,
					// Paused: this test is about concurrent writes, not about running 900 checks meanwhile.
					enabled: false,
				});
				await ack?.(made.name);
				return made.name;
			});
			return Promise.all(writes);
		},
		[prefix, count] as const,
	);
}

async function openPages(page: Page, count: number): Promise<Page[]> {
	const pages = [page];
	await openApp(page);
	for (let i = 1; i < count; i++) {
		const next = await page.context().newPage();
		await openApp(next);
		pages.push(next);
	}
	return pages;
}

test('three windows write 300 monitors each at the same time; after a reload all 900 are there, each once', async ({
	page,
}) => {
	const pages = await openPages(page, 3);
	const acknowledged = (
		await Promise.all(pages.map((p, i) => writeMany(p, `tab${i}`, 300)))
	).flat();
	expect(new Set(acknowledged).size).toBe(900);

	await pages[1]!.reload();
	const names = (await call(pages[1]!, 'monitors.list')).map((m) => m.name);
	expect(names).toHaveLength(900);
	expect(new Set(names)).toEqual(new Set(acknowledged));
});

test('closing the owning window mid-stream: the others’ writes all complete, nothing acknowledged is lost', async ({
	page,
}) => {
	const [owner, b, c] = await openPages(page, 3);
	const ownerAcks: string[] = [];
	await owner!.exposeFunction('ack', (name: string) => void ownerAcks.push(name));

	const fromOwner = writeMany(owner!, 'owner', 300).catch(() => 'closed');
	const fromOthers = Promise.all([writeMany(b!, 'b', 300), writeMany(c!, 'c', 300)]);
	await expect
		.poll(() => ownerAcks.length, { intervals: [5], timeout: 30_000 })
		.toBeGreaterThan(20);
	await owner!.close();
	expect(await fromOwner).toBe('closed');

	const others = (await fromOthers).flat();
	expect(others).toHaveLength(600);
	await expect(b!.getByText('Monitor is open')).toHaveCount(0);

	const names = (await call(b!, 'monitors.list')).map((m) => m.name);
	expect(new Set(names).size).toBe(names.length);
	for (const name of [...others, ...ownerAcks]) expect(names).toContain(name);
	console.log(
		`owner acknowledged ${ownerAcks.length} writes before it closed; ${names.length} monitors stored`,
	);
});

test('a change in one window shows in another without a reload', async ({ page }) => {
	const [first, second] = await openPages(page, 2);
	await expect(second!.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();

	// Timestamps are taken inside the pages (one machine, one clock), so the driver's polling is not counted.
	const appeared = second!.evaluate(
		(name) =>
			new Promise<number>((resolve) => {
				const seen = () =>
					[...document.querySelectorAll('li')].some((li) => li.getAttribute('aria-label') === name);
				new MutationObserver((_, observer) => {
					if (seen()) {
						observer.disconnect();
						resolve(Date.now());
					}
				}).observe(document.body, { childList: true, subtree: true });
			}),
		'Made in the first window',
	);
	const [issued, durable] = await first!.evaluate(async (input) => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string, a: unknown): Promise<unknown> } };
			}
		).monitor;
		const start = Date.now();
		await handle.db.call('monitors.create', input);
		return [start, Date.now()];
	}, monitorInput('Made in the first window'));
	const shown = await appeared;
	await expect(second!.getByRole('listitem', { name: 'Made in the first window' })).toBeVisible();
	console.log(
		`the other window showed the new monitor ${shown - durable} ms after the write was durable (${shown - issued} ms after it was issued)`,
	);

	await second!.getByRole('button', { name: 'Delete Made in the first window' }).click();
	await second!
		.getByRole('dialog', { name: 'Delete monitor?' })
		.getByRole('button', { name: 'Delete' })
		.click();
	await expect(first!.getByRole('heading', { name: 'No monitors yet' })).toBeVisible();

	await second!.goto('/#/database');
	const generation = await call(second!, 'database.status');
	await call(first!, 'monitors.create', monitorInput('Grows the database'));
	await expect
		.poll(async () => (await call(second!, 'database.status')).generation)
		.toBeGreaterThan(generation.generation);
});

test('the save indicator tells which window saves', async ({ page }) => {
	const [first, second] = await openPages(page, 2);
	await call(second!, 'monitors.create', monitorInput('Saved by the owner'));
	await expect(second!.getByTestId('save-indicator')).toHaveText(/All changes saved/);
	await expect(second!.getByTestId('save-indicator')).toHaveAttribute(
		'title',
		/Saved by another Monitor window/,
	);
	await expect(first!.getByTestId('save-indicator')).toHaveAttribute(
		'title',
		/Saved by this window/,
	);
});
