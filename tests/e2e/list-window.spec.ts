import { expect, test } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

/**
 * A long monitor list renders only the rows near the screen (MonitorTable, row-window.ts), keeps the
 * page as tall as every row, and shows any row scrolled to; a short list renders all of them.
 */
test('a long monitor list renders the rows near the screen, and every row is reached by scrolling', async ({
	page,
}) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await openApp(page);
	for (let i = 1; i <= 80; i++)
		await call(page, 'monitors.create', {
			...monitorInput(`Service ${String(i).padStart(2, '0')}`),
			enabled: false,
		});
	await page.goto('/#/monitors');
	const list = page.getByRole('list', { name: 'Monitors' });
	const rows = list.getByRole('listitem');
	await expect(rows.first()).toHaveAccessibleName('Service 01');
	await expect(list).toHaveAttribute('data-windowed', 'true');
	const rendered = await rows.count();
	expect(rendered).toBeGreaterThan(5);
	expect(rendered).toBeLessThan(40);
	// Each rendered row says where it stands in the whole list.
	await expect(rows.first()).toHaveAttribute('aria-setsize', '80');
	await expect(rows.first()).toHaveAttribute('aria-posinset', '1');

	// The page is as tall as all 80 rows: scrolling to its end shows the last one, and only rows near it.
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	expect(height).toBeGreaterThan(80 * 100);
	await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
	const last = list.getByRole('listitem', { name: 'Service 80' });
	await expect(last).toBeInViewport();
	await expect(last).toHaveAttribute('aria-posinset', '80');
	await expect(list.getByRole('listitem', { name: 'Service 01' })).toHaveCount(0);
	expect(await rows.count()).toBeLessThan(40);

	// Halfway: the rows on screen are the ones there, in order, with nothing blank around them.
	await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight / 2));
	await expect(async () => {
		const seen = await page.evaluate(() =>
			[...document.querySelectorAll<HTMLElement>('ul[aria-label="Monitors"] > li')]
				.filter((li) => {
					const r = li.getBoundingClientRect();
					return r.bottom > 0 && r.top < innerHeight;
				})
				.map((li) => Number(li.getAttribute('aria-posinset'))),
		);
		expect(seen.length).toBeGreaterThanOrEqual(3);
		expect(seen[0]).toBeGreaterThan(30);
		expect(seen[seen.length - 1]).toBeLessThan(52);
		for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe(seen[i - 1]! + 1);
	}).toPass();

	// Back to the top: the first row again, and a row's actions still work.
	await page.evaluate(() => scrollTo(0, 0));
	await list.getByRole('button', { name: 'Resume Service 01' }).click();
	await expect(list.getByRole('button', { name: 'Pause Service 01' })).toBeVisible();
});

test('a short monitor list renders every row', async ({ page }) => {
	await openApp(page);
	for (let i = 1; i <= 12; i++)
		await call(page, 'monitors.create', { ...monitorInput(`Short ${i}`), enabled: false });
	await page.goto('/#/monitors');
	const list = page.getByRole('list', { name: 'Monitors' });
	await expect(list.getByRole('listitem')).toHaveCount(12);
	await expect(list).toHaveAttribute('data-windowed', 'false');
});
