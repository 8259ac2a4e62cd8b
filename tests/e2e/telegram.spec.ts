import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_THRESHOLDS } from '../../src/shared/health';
import { call, openApp } from './helpers';
import { FakeTelegram } from './support/fake-telegram';
import { corsTarget } from './support/targets';

const TOKEN = '4242424242:AAFakeBotTokenForEndToEndTests_xyz12345';
let telegram: FakeTelegram;
let target: Awaited<ReturnType<typeof corsTarget>>;

test.beforeEach(async () => {
	telegram = new FakeTelegram();
	await telegram.start();
	telegram.addBot(TOKEN, 'monitor_alerts_bot');
	target = await corsTarget();
});

test.afterEach(async () => {
	await telegram.stop();
	await target.close();
});

/** The bot has just been added to a supergroup: Telegram reports it as a my_chat_member update. */
function addedToGroup(id = -1001777, title = 'Ops room') {
	telegram.push({
		my_chat_member: {
			chat: { id, type: 'supergroup', title },
			from: { id: 1, is_bot: false, first_name: 'Alice' },
			date: 1_764_150_000,
			old_chat_member: {
				status: 'left',
				user: { id: 4242, is_bot: true, first_name: 'monitor_alerts' },
			},
			new_chat_member: {
				status: 'member',
				user: { id: 4242, is_bot: true, first_name: 'monitor_alerts' },
			},
		},
	});
}

async function setUpBotAndGroup(page: Page) {
	await openApp(page);
	await call(page, 'telegram.setApiBase', { base: telegram.url });
	addedToGroup();
	await page.goto('/#/telegram');
	await page.getByLabel('Bot token').fill(TOKEN);
	await page.getByRole('button', { name: 'Add bot' }).click();
	const bot = page.getByRole('article', { name: '@monitor_alerts_bot' });
	await expect(bot).toContainText('privacy mode on');
	await expect(bot.getByRole('cell', { name: /^Ops room/ })).toBeVisible();
	await bot.getByRole('checkbox', { name: 'Alerts to Ops room by default' }).check();
	await expect
		.poll(async () => (await call(page, 'telegram.overview')).chats[0]?.isDefault)
		.toBe(true);
}

async function watched(page: Page) {
	const monitor = await call(page, 'monitors.create', {
		name: 'Payments API',
		url: target.url,
		intervalS: 60,
	});
	await expect
		.poll(
			async () =>
				(await call(page, 'monitors.detail', { id: monitor.id, range: '1h' })).status.state,
		)
		.toBe('up');
	return monitor;
}

async function checkNow(page: Page, id: number, state: 'up' | 'down') {
	await call(page, 'checks.runNow', { id });
	await expect
		.poll(async () => (await call(page, 'monitors.detail', { id, range: '1h' })).status.state)
		.toBe(state);
}

test('add a bot, find the group that just added it, and get exactly one "down" and one "up" message', async ({
	page,
}) => {
	await setUpBotAndGroup(page);
	const monitor = await watched(page);
	expect(telegram.sent).toHaveLength(0);

	target.state.status = 503;
	await checkNow(page, monitor.id, 'down');
	await expect.poll(() => telegram.sent.length).toBe(1);
	const down = telegram.sent[0]!;
	expect(down).toMatchObject({ chat_id: '-1001777', parse_mode: 'HTML' });
	expect(down.text).toBe(
		`🔴 <b>Payments API</b> is down\nHTTP 503, expected 200-299\n${target.url}\n<i>${down.text.split('<i>')[1]!.split('</i>')[0]}</i>`,
	);

	target.state.status = 200;
	await checkNow(page, monitor.id, 'up');
	await expect.poll(() => telegram.sent.length).toBe(2);
	expect(telegram.sent[1]!.text).toMatch(
		/^✅ <b>Payments API<\/b> is up again after \d+ s\nHTTP 200 in \d+ ms/,
	);

	// A reload starts a new owner: nothing already sent goes out again.
	await page.reload();
	await openApp(page, `/#/monitors/${monitor.id}`);
	await expect(page.getByRole('heading', { name: 'Notification log' })).toBeVisible();
	await expect(page.locator('.log li')).toHaveCount(2);
	await expect(page.locator('.log li').first()).toContainText('sent');
	await page.waitForTimeout(2000);
	expect(telegram.sent).toHaveLength(2);
	// Every request was a simple one: the Bot API does not answer preflights.
	expect(telegram.preflights).toBe(0);
	expect(new Set(telegram.requests.map((r) => r.httpMethod))).toEqual(new Set(['GET', 'POST']));
});

test('a database health metric rising into warning is sent to the default chat once', async ({
	page,
}) => {
	await setUpBotAndGroup(page);
	const size = (await call(page, 'health.report')).sizeBytes;
	const lowered = { ...DEFAULT_THRESHOLDS, size: { warning: size / 2, critical: size * 100 } };
	// Saving thresholds evaluates at once: the rise and its outbox message are one write.
	await call(page, 'health.setThresholds', lowered);
	await expect.poll(() => telegram.sent.length).toBe(1);
	const sent = telegram.sent[0]!;
	expect(sent).toMatchObject({ chat_id: '-1001777', parse_mode: 'HTML' });
	expect(sent.text).toMatch(
		/^⚠️ <b>Monitor database: warning<\/b>\nDatabase size is <b>[\d.]+ KiB<\/b>, past the warning level of [\d.]+ KiB\.\nWhat to do: Rotate or archive old check history/,
	);

	// The same level again, a reload (a new owner evaluating afresh): nothing more is sent.
	await call(page, 'health.setThresholds', lowered);
	await page.reload();
	await openApp(page);
	await page.waitForTimeout(2000);
	expect(telegram.sent).toHaveLength(1);
});

test('a 429 is retried after the time Telegram asks for, and delivered once', async ({ page }) => {
	await setUpBotAndGroup(page);
	const monitor = await watched(page);
	let refusedAt = 0;
	telegram.sendScript.push(() => {
		refusedAt = Date.now();
		return {
			status: 429,
			body: {
				ok: false,
				error_code: 429,
				description: 'Too Many Requests: retry after 2',
				parameters: { retry_after: 2 },
			},
		};
	});
	target.state.status = 500;
	await checkNow(page, monitor.id, 'down');
	await expect.poll(() => telegram.sent.length, { timeout: 15_000 }).toBe(1);
	expect(refusedAt).toBeGreaterThan(0);
	expect(telegram.sent[0]!.at - refusedAt).toBeGreaterThanOrEqual(2000);
	await page.waitForTimeout(1500);
	expect(telegram.sent).toHaveLength(1);
});

test('a message raised while offline is sent once back online, even across a reload', async ({
	page,
	context,
}) => {
	await setUpBotAndGroup(page);
	const chatRef = (await call(page, 'telegram.overview')).chats[0]!.id;
	await context.setOffline(true);
	await call(page, 'telegram.testMessage', { chatRef });
	await page.goto('/#/telegram');
	await expect(page.getByText('1 message waiting to be sent (offline')).toBeVisible();
	await page.reload();
	await expect(page.getByText('1 message waiting to be sent')).toBeVisible();
	expect(telegram.sent).toHaveLength(0);

	await context.setOffline(false);
	await expect.poll(() => telegram.sent.length, { timeout: 20_000 }).toBe(1);
	expect(telegram.sent[0]!.text).toBe('✅ <b>Monitor</b> can send alerts to this chat.');
	await page.reload();
	await expect(page.getByText('waiting to be sent')).toBeHidden();
	await page.waitForTimeout(1500);
	expect(telegram.sent).toHaveLength(1);
});

test('a revoked token, a kicked bot and a webhook conflict are explained', async ({ page }) => {
	await setUpBotAndGroup(page);
	const chatRef = (await call(page, 'telegram.overview')).chats[0]!.id;
	telegram.sendScript.push(() => ({
		status: 403,
		body: {
			ok: false,
			error_code: 403,
			description: 'Forbidden: bot was kicked from the supergroup chat',
		},
	}));
	await call(page, 'telegram.testMessage', { chatRef });
	await expect(
		page.getByText(/Telegram refuses this chat: Forbidden: bot was kicked/),
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Enable again' })).toBeVisible();

	telegram.getUpdatesScript.push(() => ({
		status: 409,
		body: {
			ok: false,
			error_code: 409,
			description: "Conflict: can't use getUpdates method while webhook is active",
		},
	}));
	await page.getByRole('button', { name: 'Find chats' }).click();
	await expect(
		page.getByText(/this bot has a webhook set, or another program polls it/),
	).toBeVisible();
	await page.getByRole('button', { name: 'Remove the webhook' }).click();
	await expect(page.getByText(/this bot has a webhook set/)).toBeHidden();
	expect(telegram.requests.some((r) => r.method === 'deleteWebhook')).toBe(true);

	await page.getByLabel('Bot token').fill('12345:bad');
	await page.getByRole('button', { name: 'Add bot' }).click();
	await expect(page.getByText(/A bot token looks like/)).toBeVisible();
	await page.getByLabel('Bot token').fill('999999999:AAThisTokenIsWellFormedButUnknown_0123456');
	await page.getByRole('button', { name: 'Add bot' }).click();
	await expect(
		page.getByText('Telegram does not accept this bot token.', { exact: false }),
	).toBeVisible();
});
