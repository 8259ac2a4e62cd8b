/**
 * Accessibility gate: axe-core (through @axe-core/playwright) on every page and every dialog, in the
 * light and the dark colour scheme, with three monitors (up, degraded, down) and a Telegram bot with a
 * group: no serious or critical violation. Each state is set up once and scanned in both schemes
 * (prefers-color-scheme is switched in place): every rule in light, and in dark the rules whose
 * outcome depends on colours (the structure, names and roles are the same in both). Lesser findings
 * are attached to the test's report.
 *
 * A11Y_SCREENSHOTS=<dir> also saves a full-page screenshot of each state in each scheme, to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { call, monitorInput, openApp } from './helpers';
import { FakeTelegram } from './support/fake-telegram';
import { dropFile } from './support/files';
import { corsTarget, slowTarget, type Target } from './support/targets';

const SCHEMES = ['light', 'dark'] as const;
/** The rules a colour scheme can change the outcome of. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
const GATED = new Set(['serious', 'critical']);
const SHOTS = process.env.A11Y_SCREENSHOTS;
const TOKEN = '4242424242:AAFakeBotTokenForEndToEndTests_xyz12345';

/** What the scans found, across a test: the gated findings fail it, the rest are attached. */
class Findings {
	readonly gated: string[] = [];
	readonly lesser: string[] = [];

	constructor(
		private readonly page: Page,
		private readonly testInfo: TestInfo,
	) {}

	/** Scans the page (or only `within`, for a dialog) in each colour scheme. */
	async scan(state: string, within?: Locator): Promise<void> {
		for (const colorScheme of SCHEMES) {
			await this.page.emulateMedia({ colorScheme });
			if (within) await expect(within).toBeVisible();
			// Legacy mode runs axe in the page itself instead of aggregating in a new blank page: half
			// the time, and the app has no frames for the blank page to gather.
			let builder = new AxeBuilder({ page: this.page })
				.setLegacyMode()
				.options({ resultTypes: ['violations'] });
			if (colorScheme === 'dark') builder = builder.withRules(COLOUR_RULES);
			if (within) builder = builder.include(await selectorOf(within));
			const { violations } = await builder.analyze();
			for (const v of violations) {
				const targets = v.nodes.map((n) => n.target.join(' ')).slice(0, 5);
				const line = `${state} (${colorScheme}): [${v.impact}] ${v.id}: ${v.help} — ${targets.join(' | ')}${
					v.id === 'color-contrast' ? ` — ${v.nodes[0]?.any[0]?.message ?? ''}` : ''
				}`;
				(GATED.has(v.impact ?? '') ? this.gated : this.lesser).push(line);
			}
			if (SHOTS) {
				mkdirSync(SHOTS, { recursive: true });
				const name = `${state.replace(/\W+/g, '-')}-${colorScheme}.png`;
				await this.page.screenshot({ path: join(SHOTS, name), fullPage: true });
			}
		}
		await this.page.emulateMedia({ colorScheme: 'light' });
	}

	async expectNone(): Promise<void> {
		await this.testInfo.attach('lesser axe findings', {
			body: this.lesser.join('\n') || 'none',
			contentType: 'text/plain',
		});
		expect(this.gated, 'serious or critical accessibility violations').toEqual([]);
	}
}

/** A selector axe can use for a located element: a data attribute set on it (and on nothing else). */
async function selectorOf(locator: Locator): Promise<string> {
	await locator.evaluate((element) => {
		for (const marked of document.querySelectorAll('[data-axe-scan]'))
			marked.removeAttribute('data-axe-scan');
		element.setAttribute('data-axe-scan', '');
	});
	return '[data-axe-scan]';
}

let up: Target;
let slow: Target;
let telegram: FakeTelegram;

test.beforeAll(async () => {
	up = await corsTarget();
	slow = await slowTarget(300);
	telegram = new FakeTelegram();
	await telegram.start();
	telegram.addBot(TOKEN, 'monitor_alerts_bot');
});

test.afterAll(async () => {
	await up.close();
	await slow.close();
	await telegram.stop();
});

/** Three monitors, one up, one degraded and one down, each with its first check recorded. */
async function threeMonitors(page: Page): Promise<number[]> {
	const created = [
		await call(page, 'monitors.create', { name: 'Payments API', url: up.url, intervalS: 60 }),
		await call(page, 'monitors.create', {
			name: 'Search API',
			url: slow.url,
			intervalS: 60,
			conditions: { maxResponseMs: 100 },
		}),
		await call(page, 'monitors.create', monitorInput('Legacy API')),
	];
	await expect
		.poll(async () => (await call(page, 'monitors.overview')).map((o) => o.status.state).sort())
		.toEqual(['degraded', 'down', 'up']);
	return created.map((m) => m.id);
}

/** A bot in a group, as the Telegram page shows them once the bot has been added there. */
async function botInAGroup(page: Page): Promise<void> {
	await call(page, 'telegram.setApiBase', { base: telegram.url });
	telegram.push({
		my_chat_member: {
			chat: { id: -1001777, type: 'supergroup', title: 'Ops room' },
			from: { id: 1, is_bot: false, first_name: 'Alice' },
			date: 1_764_150_000,
			old_chat_member: { status: 'left', user: { id: 4242, is_bot: true, first_name: 'bot' } },
			new_chat_member: { status: 'member', user: { id: 4242, is_bot: true, first_name: 'bot' } },
		},
	});
	const bot = await call(page, 'telegram.addBot', { token: TOKEN });
	await call(page, 'telegram.discover', { botId: bot.id });
}

test('every page, light and dark, has no serious or critical violation', async ({
	page,
}, testInfo) => {
	test.setTimeout(180_000);
	const findings = new Findings(page, testInfo);
	await openApp(page);
	const [first] = await threeMonitors(page);
	await botInAGroup(page);

	await page.goto('/#/monitors');
	await expect(page.getByRole('listitem', { name: 'Legacy API' }).getByText('Down')).toBeVisible();
	await findings.scan('Monitors');

	await page.goto(`/#/monitors/${first}`);
	await expect(page.getByRole('heading', { name: 'Payments API' })).toBeVisible();
	await expect(page.locator('canvas').first()).toBeVisible();
	await findings.scan('Monitor page');

	await page.goto('/#/database');
	await expect(page.getByRole('heading', { name: 'Database', level: 1 })).toBeVisible();
	await findings.scan('Database');

	await page.goto('/#/telegram');
	await expect(page.getByRole('article', { name: '@monitor_alerts_bot' })).toContainText(
		'Ops room',
	);
	await findings.scan('Telegram');

	await page.goto('/#/settings');
	await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
	await findings.scan('Settings');

	await findings.expectNone();
});

test('every dialog and the lock screen, light and dark, have no serious or critical violation', async ({
	page,
}, testInfo) => {
	test.setTimeout(180_000);
	const findings = new Findings(page, testInfo);
	const dialog = (name: string) => page.getByRole('dialog', { name });
	await openApp(page);
	const [, , legacy] = await threeMonitors(page);
	// Headers are a secret: the export warns about them.
	await call(page, 'monitors.update', {
		id: legacy!,
		input: { ...monitorInput('Legacy API'), headers: { 'X-Key': 'k-42' } },
	});

	await page.goto('/#/monitors');
	await page.getByRole('button', { name: 'Add monitor' }).click();
	await dialog('Add monitor').getByRole('button', { name: 'Add monitor' }).click();
	await expect(dialog('Add monitor').getByText('Give the monitor a name.')).toBeVisible();
	await findings.scan('Add monitor, with errors', dialog('Add monitor'));
	await page.keyboard.press('Escape');

	await page.getByRole('button', { name: 'Edit Search API' }).click();
	await findings.scan('Edit monitor', dialog('Edit monitor'));
	await page.keyboard.press('Escape');

	await page.getByRole('button', { name: 'Delete Legacy API' }).click();
	await findings.scan('Delete monitor', dialog('Delete monitor?'));
	await page.keyboard.press('Escape');

	// The list organised (issue 25): a selection with its bulk bar, grouped by tag; the publish dialog.
	await call(page, 'tags.create', { name: 'Payments', colour: '#2563eb' });
	await page.getByRole('checkbox', { name: 'Select Search API' }).check();
	await page
		.getByRole('region', { name: 'Selected monitors' })
		.getByRole('combobox')
		.selectOption({ label: 'Payments' });
	await page
		.getByRole('region', { name: 'Selected monitors' })
		.getByRole('button', { name: 'Add tag' })
		.click();
	await page.getByRole('checkbox', { name: 'Group by tag' }).check();
	await expect(page.getByRole('region', { name: 'Group Payments' })).toBeVisible();
	await findings.scan('Monitors, selected and grouped by tag');
	await page.getByRole('button', { name: 'Publish status page' }).click();
	await findings.scan('Publish status page', dialog('Publish status page'));
	await page.keyboard.press('Escape');
	await page.getByRole('checkbox', { name: 'Group by tag' }).uncheck();
	await page.getByRole('button', { name: 'Clear selection' }).click();

	await page.goto('/#/database');
	await page.getByRole('button', { name: 'Export database' }).click();
	await findings.scan('Export holds secrets', dialog('The export holds secrets'));
	await page.keyboard.press('Escape');

	await dropOwnExport(page);
	await findings.scan('Import: confirm', dialog('Replace your database with this file?'));
	await page.getByRole('radio', { name: /^Merge/ }).check();
	await expect(page.getByTestId('merge-monitors')).toBeVisible();
	await findings.scan('Import: merge preview', dialog('Merge this file into your database?'));
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('import-dialog')).toHaveCount(0);

	await dropFile(page, 'notes.db', Buffer.from('not a database, just some text'));
	await findings.scan('Import: refused', dialog('This file was not imported'));
	await page.keyboard.press('Escape');

	await call(page, 'backups.create');
	await page.reload();
	const backups = page.getByRole('table', { name: 'Backups' });
	await backups
		.getByRole('button', { name: /^Restore/ })
		.first()
		.click();
	await findings.scan('Restore backup', dialog('Restore this backup?'));
	await page.keyboard.press('Escape');
	await backups
		.getByRole('button', { name: /^Delete/ })
		.first()
		.click();
	await findings.scan('Delete backup', dialog('Delete this backup?'));
	await page.keyboard.press('Escape');

	// With a passphrase, a reloaded app starts locked.
	await call(page, 'account.setPassphrase', { passphrase: 'correct horse battery staple' });
	await page.reload();
	await findings.scan('Lock screen', dialog('Monitor is locked'));
	await page.getByRole('button', { name: 'Forgot the passphrase?' }).click();
	await findings.scan('Forgotten passphrase', dialog('Remove the encrypted secrets?'));
	await page.keyboard.press('Escape');

	await findings.expectNone();
});

/** Drops this database's own export back onto the page: the import asks to confirm the swap. */
async function dropOwnExport(page: Page): Promise<void> {
	await page.evaluate(async () => {
		const handle = (
			globalThis as unknown as {
				monitor: { db: { call(m: string): Promise<{ bytes: Uint8Array<ArrayBuffer> }> } };
			}
		).monitor;
		const { bytes } = await handle.db.call('database.export');
		const transfer = new DataTransfer();
		transfer.items.add(new File([bytes], 'monitor.db'));
		for (const type of ['dragenter', 'dragover', 'drop'])
			document.body.dispatchEvent(
				new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }),
			);
	});
}
