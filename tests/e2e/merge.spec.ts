/**
 * Merging another device's data in Chromium: two browser profiles share a past (both imported the same
 * file, with compacted history written by the CLI's generator), each goes on on its own; the second
 * one's export, merged into the first through the import dialog (Merge, preview, a conflict picked),
 * gives the union of monitors and joined histories with no check doubled (counted with stock sqlite3
 * in an export of the result), and merging the same file again changes nothing.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { main } from '../../src/cli/main';
import { call, monitorInput, openApp } from './helpers';
import { importDialog, pickFile, sqlite3 } from './support/files';

const made: string[] = [];
test.afterAll(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const TO = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString();

async function generate(file: string, monitors: number, dir: string): Promise<void> {
	const quiet = { out: () => {}, err: (l: string) => console.error(l), cwd: dir, now: Date.now };
	const args = ['--monitors', String(monitors), '--interval', '600', '--days', '3', '--seed', '7'];
	expect(await main(['generate-history', file, ...args, '--to', TO], quiet)).toBe(0);
}

async function profile(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ acceptDownloads: true });
	const page = await context.newPage();
	await page.addInitScript(() => {
		localStorage.setItem('monitor.export.secretsWarnedAt', '1');
		delete (globalThis as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	await openApp(page, '/#/database');
	return page;
}

async function replaceWith(page: Page, file: string): Promise<void> {
	await pickFile(page, file);
	await importDialog(page).getByRole('button', { name: 'Replace database' }).click();
	await expect(importDialog(page)).toHaveCount(0);
}

/** The live database as a file on disk, for stock sqlite3 to count. */
async function exported(page: Page, file: string): Promise<string> {
	const bytes = await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array }> } };
			}
		).monitor;
		return [...(await handle.db.call('database.export')).bytes];
	});
	writeFileSync(file, new Uint8Array(bytes));
	return file;
}

/** Per URL: checks as rows plus checks in blocks, rows doubled (same start and due), hour rollups. */
function counts(file: string): Record<string, string> {
	const lines = sqlite3(
		file,
		`SELECT url,
		   (SELECT count(*) FROM checks WHERE monitor_id = m.id)
		     + (SELECT coalesce(sum(checks), 0) FROM history_blocks WHERE monitor_id = m.id),
		   (SELECT count(*) - count(DISTINCT started_at || ':' || due_at) FROM checks WHERE monitor_id = m.id),
		   (SELECT coalesce(sum(checks), 0) FROM rollups WHERE monitor_id = m.id AND resolution = 'hour')
		 FROM monitors m ORDER BY url`,
	);
	return Object.fromEntries(
		lines.map((l) => {
			const [url, ...rest] = l.split('|');
			return [url!, rest.join('|')];
		}),
	);
}

/** Resumes the monitor of `url` until it has checked once more (it is due at once), then pauses it. */
async function checkOnceMore(page: Page, url: string, file: string): Promise<void> {
	const checksOf = async () => Number(counts(await exported(page, file))[url]?.split('|')[0]);
	const was = await checksOf();
	const [monitor] = (await call(page, 'monitors.list')).filter((m) => m.url === url);
	await call(page, 'monitors.setEnabled', { id: monitor!.id, enabled: true });
	// Each look exports the file and counts with sqlite3: on a busy machine a few looks take 10 s.
	await expect.poll(checksOf, { timeout: 30_000 }).toBeGreaterThan(was);
	await call(page, 'monitors.setEnabled', { id: monitor!.id, enabled: false });
}

/** MERGE_SCREENSHOTS=<dir>: the page as it is now, in the light and the dark scheme, to look at. */
async function screenshots(page: Page, name: string): Promise<void> {
	const dir = process.env.MERGE_SCREENSHOTS;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	const size = page.viewportSize();
	// Tall enough for the whole dialog, so the picture shows it as a person scrolls through it.
	await page.setViewportSize({ width: 1100, height: 1500 });
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.screenshot({ path: join(dir, `${name}-${colorScheme}.png`) });
	}
	await page.emulateMedia({ colorScheme: 'light' });
	if (size) await page.setViewportSize(size);
}

async function mergeFile(page: Page, file: string) {
	await pickFile(page, file);
	const dialog = importDialog(page);
	await dialog.getByRole('radio', { name: /^Merge/ }).check();
	await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(
		'Merge this file into your database?',
	);
	await expect(dialog.getByTestId('merge-monitors')).toBeVisible();
	return dialog;
}

test('a second profile’s export merged into the first: the union of monitors, joined histories, no check doubled, and a second merge changes nothing', async ({
	browser,
}) => {
	test.setTimeout(180_000);
	const dir = mkdtempSync(join(tmpdir(), 'monitor-merge-'));
	made.push(dir);
	// The shared past: two monitors with three days of checks (blocks, and the last day as rows).
	const shared = join(dir, 'shared.db');
	await generate(shared, 2, dir);
	// The second profile's start: the same, plus a third monitor of its own with its history.
	const second = join(dir, 'second-start.db');
	copyFileSync(shared, second);
	await generate(second, 1, dir);
	const before = counts(shared);
	const [one, two] = Object.keys(before);

	const b = await profile(browser);
	await replaceWith(b, second);
	// Each side checks the first monitor once more, at its own time: two different new checks.
	await checkOnceMore(b, one!, join(dir, 'b-now.db'));
	const [bOne] = (await call(b, 'monitors.list')).filter((m) => m.url === one);
	await call(b, 'monitors.update', {
		id: bOne!.id,
		input: { name: 'Renamed on B', url: bOne!.url, intervalS: bOne!.intervalS, enabled: false },
	});
	await call(b, 'monitors.create', { ...monitorInput('Only on B'), enabled: false });
	const fromB = join(dir, 'from-b.db');
	const [download] = await Promise.all([
		b.waitForEvent('download'),
		b.getByRole('button', { name: 'Export database' }).click(),
	]);
	await download.saveAs(fromB);
	await b.context().close();

	const a = await profile(browser);
	await replaceWith(a, shared);
	await checkOnceMore(a, one!, join(dir, 'a-now.db'));
	await call(a, 'monitors.create', { ...monitorInput('Only on A'), enabled: false });
	const aBefore = counts(await exported(a, join(dir, 'a-before.db')));
	const bFile = counts(fromB);

	const dialog = await mergeFile(a, fromB);
	await expect(dialog.getByTestId('merge-monitors')).toContainText(
		'2 new (added paused), 1 matched (same method and URL: joined), 1 skipped',
	);
	// The first monitor: A's checks, plus B's one new check; everything else of B's is already here.
	await expect(dialog.getByTestId('merge-checks')).toContainText(
		/^\s*[1-9][,\d]* added by the file/,
	);
	const conflict = dialog.getByTestId('merge-conflict');
	await expect(conflict).toHaveCount(1);
	await expect(conflict).toContainText('Renamed on B');
	await conflict.getByRole('radio', { name: 'Take the file’s' }).check();
	await expect(conflict.locator('td.wins')).toContainText(['Renamed on B']);
	await screenshots(a, 'merge-preview');
	await dialog.getByRole('button', { name: 'Merge into my database' }).click();
	await expect(
		a.getByText(/Merged “from-b\.db”: 2 monitors added \(paused\), 1 joined/),
	).toBeVisible();
	await expect(importDialog(a)).toHaveCount(0);

	const merged = counts(await exported(a, join(dir, 'merged.db')));
	const [aChecks] = aBefore[one!]!.split('|').map(Number);
	const [sharedChecks] = before[one!]!.split('|').map(Number);
	const [bChecks] = bFile[one!]!.split('|').map(Number);
	// A's and B's checks of the first monitor, the shared ones once (each side's new ones are its own).
	expect(aChecks).toBeGreaterThan(sharedChecks!);
	expect(bChecks).toBeGreaterThan(sharedChecks!);
	const union = aChecks! + bChecks! - sharedChecks!;
	expect(merged[one!]).toBe(`${union}|0|${union}`);
	expect(merged[two!]).toBe(before[two!]);
	const third = Object.keys(bFile).find((u) => u.endsWith('/synthetic/3'))!;
	expect(merged[third]).toBe(bFile[third]);
	expect(Object.keys(merged).sort()).toEqual(
		[...new Set([...Object.keys(aBefore), ...Object.keys(bFile)])].sort(),
	);
	expect(sqlite3(join(dir, 'merged.db'), 'PRAGMA integrity_check')).toEqual(['ok']);
	expect(
		sqlite3(join(dir, 'merged.db'), `SELECT name, enabled FROM monitors WHERE url = '${one}'`),
	).toEqual(['Renamed on B|0']);

	// The same file again: the preview says nothing is added, and the data stays as it was.
	const again = await mergeFile(a, fromB);
	await expect(again.getByTestId('merge-monitors')).toContainText(
		'0 new (added paused), 0 matched',
	);
	await expect(again.getByTestId('merge-checks')).toContainText(/^\s*0 added by the file/);
	await again.getByRole('button', { name: 'Merge into my database' }).click();
	await expect(a.getByText(/Merged “from-b\.db”: 0 monitors added/)).toBeVisible();
	const twice = join(dir, 'twice.db');
	await exported(a, twice);
	const tables = [
		'monitors',
		'checks',
		'history_blocks',
		'rollups',
		'events',
		'monitor_status',
		'telegram_bots',
		'telegram_chats',
	];
	for (const table of tables)
		expect(sqlite3(twice, `SELECT * FROM ${table} ORDER BY 1, 2, 3`), table).toEqual(
			sqlite3(join(dir, 'merged.db'), `SELECT * FROM ${table} ORDER BY 1, 2, 3`),
		);
	await a.context().close();
});

test('Export configuration only: monitors and settings without history or secrets, which a second profile merges', async ({
	browser,
}) => {
	test.setTimeout(120_000);
	const dir = mkdtempSync(join(tmpdir(), 'monitor-merge-'));
	made.push(dir);
	const history = join(dir, 'history.db');
	await generate(history, 1, dir);
	const a = await profile(browser);
	await replaceWith(a, history);
	await call(a, 'monitors.create', {
		...monitorInput('With a key'),
		enabled: false,
		headers: { 'X-Api-Key': 'k-secret-1' },
	});
	await call(a, 'settings.update', { retentionDays: 45 });
	const [download] = await Promise.all([
		a.waitForEvent('download'),
		a.getByRole('button', { name: 'Export configuration only' }).click(),
	]);
	expect(download.suggestedFilename()).toMatch(/^monitor-config-\d{4}-\d\d-\d\d\.db$/);
	const config = join(dir, 'config.db');
	await download.saveAs(config);
	await a.context().close();

	expect(sqlite3(config, 'PRAGMA integrity_check')).toEqual(['ok']);
	expect(
		sqlite3(
			config,
			`SELECT (SELECT count(*) FROM checks), (SELECT count(*) FROM history_blocks),
			   (SELECT count(*) FROM rollups), (SELECT count(*) FROM events), (SELECT count(*) FROM monitors)`,
		),
	).toEqual(['0|0|0|0|2']);
	expect(
		sqlite3(config, "SELECT headers, needs_headers FROM monitors WHERE name = 'With a key'"),
	).toEqual(['{}|1']);
	expect(readFileSync(config).includes('k-secret-1')).toBe(false);

	const b = await profile(browser);
	await call(b, 'monitors.create', { ...monitorInput('Mine'), enabled: false });
	const dialog = await mergeFile(b, config);
	await expect(dialog.getByTestId('merge-monitors')).toContainText('2 new (added paused)');
	await expect(dialog.getByTestId('merge-checks')).toContainText(/^\s*0 added by the file/);
	await dialog.getByRole('button', { name: 'Merge into my database' }).click();
	await expect(b.getByText(/Merged “config\.db”: 2 monitors added \(paused\)/)).toBeVisible();
	expect((await call(b, 'monitors.list')).map((m) => [m.name, m.enabled]).sort()).toEqual([
		['Mine', false],
		['With a key', false],
		['synthetic 1', false],
	]);
	// Settings stay this profile's unless the person picks the file's.
	expect(await call(b, 'settings.get')).not.toEqual({ retentionDays: 45 });
	await b.context().close();
});
