/**
 * Organising the monitor list (issue 25): tags on 30 monitors, search, filters by state and tag, sort,
 * grouping, bulk actions; the view survives a reload and is in the URL, so a bookmark opens it.
 */
import { expect, test, type Page } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';

async function seed(page: Page) {
	const payments = await call(page, 'tags.create', { name: 'Payments', colour: '#2563eb' });
	const edge = await call(page, 'tags.create', { name: 'Edge', colour: '#16a34a' });
	const ids: number[] = [];
	for (let i = 0; i < 30; i++) {
		const name = `${i % 3 === 0 ? 'Checkout' : i % 3 === 1 ? 'Search' : 'Blog'} ${String(i).padStart(2, '0')}`;
		const tags = i % 3 === 0 ? [payments.id] : i % 3 === 1 ? [payments.id, edge.id] : [];
		// 127.0.0.2:9 refuses connections: the 6 running monitors go down; the others stay paused.
		const monitor = await call(page, 'monitors.create', {
			...monitorInput(name),
			tags,
			enabled: i < 6,
		});
		ids.push(monitor.id);
	}
	return { payments, edge, ids };
}

const rows = (page: Page) =>
	page
		.getByRole('list', { name: 'Monitors' })
		.getByRole('listitem')
		.filter({ has: page.getByRole('heading') });

test('30 tagged monitors: search, filters, sort and grouping narrow the list; the URL and a reload keep the view', async ({
	page,
}) => {
	test.setTimeout(150_000);
	await openApp(page);
	const { payments } = await seed(page);
	await page.reload();
	await expect(rows(page)).toHaveCount(30);
	await expect(page.getByText('30 monitors')).toBeVisible();
	const first = page.getByRole('listitem', { name: 'Search 01' });
	await expect(first.getByRole('list', { name: 'Tags of Search 01' })).toHaveText(
		/Edge\s*Payments/,
	);

	// `/` focuses the search box from anywhere on the page.
	await page.getByRole('heading', { name: 'Monitors', level: 1 }).click();
	await page.keyboard.press('/');
	const search = page.getByRole('searchbox', { name: 'Search monitors' });
	await expect(search).toBeFocused();
	await page.keyboard.type('checkout');
	await expect(rows(page)).toHaveCount(10);
	await expect(page.getByText('Showing 10 of 30')).toBeVisible();
	// By tag name, and by URL.
	await search.fill('edge');
	await expect(rows(page)).toHaveCount(10);
	await search.fill('127.0.0.2:9/Blog%2026');
	await expect(rows(page)).toHaveCount(1);
	await search.fill('');

	// Filters: state and tag.
	await page.getByRole('checkbox', { name: 'Paused' }).check();
	await expect(rows(page)).toHaveCount(24);
	await page.getByRole('checkbox', { name: 'Paused' }).uncheck();
	await page.getByRole('checkbox', { name: 'Down' }).check();
	await expect(rows(page)).toHaveCount(6, { timeout: 20_000 });
	await page.getByRole('checkbox', { name: 'Down' }).uncheck();
	await page
		.getByRole('combobox', { name: 'Tag', exact: true })
		.selectOption({ label: 'Payments' });
	await expect(rows(page)).toHaveCount(20);
	await search.fill('search');
	await expect(rows(page)).toHaveCount(10);

	// Sort by state: the running (down) ones first.
	await page.getByRole('combobox', { name: 'Sort by' }).selectOption('state');
	await expect(rows(page).first()).toHaveAccessibleName('Search 01');
	await expect(page).toHaveURL(new RegExp(`#/monitors\\?q=search&tag=${payments.id}&sort=state$`));

	// A reload keeps it; so does a bookmark opened in a new page.
	await page.reload();
	await expect(rows(page)).toHaveCount(10);
	await expect(search).toHaveValue('search');
	await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('state');
	const url = page.url();
	const other = await page.context().newPage();
	await other.goto(url);
	await expect(rows(other)).toHaveCount(10);
	await expect(other.getByRole('combobox', { name: 'Tag', exact: true })).toHaveValue(
		String(payments.id),
	);
	await other.close();

	// The view is kept in settings: a bare #/monitors (the nav link, a new visit) gets it back.
	await page.waitForTimeout(600);
	await page.goto('/');
	await expect(search).toHaveValue('search');
	await expect(rows(page)).toHaveCount(10);
	await expect(page).toHaveURL(/#\/monitors\?q=search/);

	// Grouping by tag, with up/down counts, collapsible.
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await expect(rows(page)).toHaveCount(30);
	await page.getByRole('checkbox', { name: 'Group by tag' }).check();
	const edgeGroup = page.getByRole('region', { name: 'Group Edge' });
	const edgeToggle = page.getByRole('button', { name: 'Edge 10 · 0 up · 2 down' });
	await expect(edgeToggle).toHaveAttribute('aria-expanded', 'true');
	await expect(
		page
			.getByRole('region', { name: 'Group Payments' })
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading') }),
	).toHaveCount(20);
	await expect(
		page
			.getByRole('region', { name: 'Group No tag' })
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading') }),
	).toHaveCount(10);
	await edgeToggle.click();
	await expect(edgeToggle).toHaveAttribute('aria-expanded', 'false');
	await expect(edgeGroup.getByRole('listitem')).toHaveCount(0);
	await page.reload();
	await expect(edgeToggle).toHaveAttribute('aria-expanded', 'false');
	await expect(edgeGroup.getByRole('listitem')).toHaveCount(0);
});

test('bulk: select several rows, then tag, pause, resume and delete them', async ({ page }) => {
	await openApp(page);
	const { edge } = await seed(page);
	await page.reload();
	await page.getByRole('searchbox', { name: 'Search monitors' }).fill('blog');
	await expect(rows(page)).toHaveCount(10);
	await page.getByRole('checkbox', { name: 'Select all shown' }).check();
	const bar = page.getByRole('region', { name: 'Selected monitors' });
	await expect(bar).toContainText('10 selected');
	await bar.getByLabel('Tag for the selected monitors').selectOption({ label: 'Edge' });
	await bar.getByRole('button', { name: 'Add tag' }).click();
	await expect(page.getByText('Tagged 10 monitors “Edge”.')).toBeVisible();
	await bar.getByRole('button', { name: 'Resume' }).click();
	await expect(page.getByText('Resumed 8 monitors.')).toBeVisible();
	await bar.getByRole('button', { name: 'Pause' }).click();
	await expect(page.getByText('Paused 10 monitors.')).toBeVisible();
	const list = await call(page, 'monitors.list');
	const blogs = list.filter((m) => m.name.startsWith('Blog'));
	expect(blogs.every((m) => m.tags.includes(edge.id) && !m.enabled)).toBe(true);

	await page.getByRole('checkbox', { name: 'Select Blog 02' }).uncheck();
	await bar.getByRole('button', { name: 'Delete' }).click();
	await page
		.getByRole('dialog', { name: 'Delete 9 monitors?' })
		.getByRole('button', { name: 'Delete 9 monitors' })
		.click();
	await expect(rows(page)).toHaveCount(1);
	await expect(bar).toBeHidden();
	expect((await call(page, 'monitors.list')).length).toBe(21);
});

test('the monitor form sets tags and makes a new one', async ({ page }) => {
	await openApp(page);
	await call(page, 'tags.create', { name: 'Payments', colour: '#2563eb' });
	await call(page, 'monitors.create', monitorInput('Existing'));
	await page.reload();
	await page.getByRole('button', { name: 'Edit Existing' }).click();
	const dialog = page.getByRole('dialog', { name: 'Edit monitor' });
	await dialog.getByRole('checkbox', { name: 'Payments' }).check();
	await dialog.getByLabel('New tag', { exact: true }).fill('Critical');
	await dialog.getByLabel("New tag's colour").selectOption({ label: 'Red' });
	await dialog.getByRole('button', { name: 'Create tag' }).click();
	await expect(dialog.getByRole('checkbox', { name: 'Critical' })).toBeChecked();
	// A name taken already, whatever its case, is refused in place.
	await dialog.getByLabel('New tag', { exact: true }).fill('payments');
	await dialog.getByRole('button', { name: 'Create tag' }).click();
	await expect(dialog.getByText('There is a tag “Payments” already.')).toBeVisible();
	await dialog.getByRole('button', { name: 'Save changes' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole('list', { name: 'Tags of Existing' })).toHaveText(
		/Critical\s*Payments/,
	);
	await page.reload();
	await expect(page.getByRole('list', { name: 'Tags of Existing' })).toHaveText(
		/Critical\s*Payments/,
	);
	expect((await call(page, 'tags.list')).map((t) => [t.name, t.colour])).toEqual([
		['Critical', '#dc2626'],
		['Payments', '#2563eb'],
	]);
});

test('screenshots of the list with 3 and with 200 monitors, light and dark (when A11Y_SCREENSHOTS is set)', async ({
	page,
}) => {
	const shots = process.env.A11Y_SCREENSHOTS;
	test.skip(!shots, 'screenshots only on request');
	test.setTimeout(180_000);
	await openApp(page);
	const names = ['Payments', 'Edge', 'Internal'];
	const colours = ['#2563eb', '#16a34a', '#7c3aed'];
	const tags: { id: number }[] = [];
	for (const [i, name] of names.entries())
		tags.push(await call(page, 'tags.create', { name, colour: colours[i]! }));
	const add = (i: number) =>
		call(page, 'monitors.create', {
			...monitorInput(`Service ${String(i).padStart(3, '0')}`),
			tags: i % 4 === 3 ? [] : [tags[i % 3]!.id, ...(i % 5 === 0 ? [tags[(i + 1) % 3]!.id] : [])],
			enabled: i % 7 !== 0,
		});
	for (let i = 0; i < 3; i++) await add(i);
	await page.reload();
	const shoot = async (name: string) => {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: `${shots}/${name}-${colorScheme}.png` });
		}
	};
	await expect(rows(page)).toHaveCount(3);
	await shoot('Monitors-3');
	await Promise.all(Array.from({ length: 197 }, (_, i) => add(i + 3)));
	await page.reload();
	await expect(page.getByText('200 monitors')).toBeVisible();
	await page.getByRole('checkbox', { name: 'Select Service 001' }).check();
	await page.getByRole('checkbox', { name: 'Select Service 002' }).check();
	await shoot('Monitors-200');
	await page.getByRole('checkbox', { name: 'Group by tag' }).check();
	await page.getByRole('searchbox', { name: 'Search monitors' }).fill('service 1');
	await shoot('Monitors-200-grouped');
	await page.getByRole('button', { name: 'Publish status page' }).click();
	await shoot('Publish-dialog');
});
