import { describe, expect, it } from 'vitest';
import {
	checkTemplate,
	DEFAULT_TEMPLATE,
	escapeHtml,
	maskToken,
	renderTemplate,
} from '../../src/shared/telegram';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { recordCheck } from '../../src/worker/domain/checks/record';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { alertValues, enqueueReminders } from '../../src/worker/domain/telegram/alerts';
import type { ApiUpdate } from '../../src/worker/domain/telegram/api';
import {
	ChatRateLimiter,
	Dispatcher,
	type DispatchEnv,
} from '../../src/worker/domain/telegram/dispatcher';
import { readUpdates } from '../../src/worker/domain/telegram/updates';
import { setMonitorAlerts } from '../../src/worker/stores/alert-targets';
import { activityPage } from '../../src/worker/domain/activity/log';
import { saveBot } from '../../src/worker/stores/telegram-bots';
import { recordSighting, setChatDefaults } from '../../src/worker/stores/telegram-chats';
import { API_BASE_KEY, putSetting } from '../../src/worker/stores/settings';
import { loadSql, realMigrations } from './helpers';

const TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijklmno';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('templates', () => {
	const values = alertValues(
		{
			monitorId: 1,
			kind: 'up',
			from: 'down',
			message: 'HTTP 200 in 31 ms',
			at: T0,
			downtimeMs: 5 * 60_000,
			eventId: 1,
		},
		{ name: 'Payments <API> & co', url: 'http://127.0.0.2:9/pay/health?a=1&b=2' },
	);

	it('renders the default template with every value escaped', () => {
		const text = renderTemplate(DEFAULT_TEMPLATE, values);
		expect(text).toContain('✅ <b>Payments &lt;API&gt; &amp; co</b> is up again after 5 min');
		expect(text).toContain('http://127.0.0.2:9/pay/health?a=1&amp;b=2');
		expect(text).not.toContain('<API>');
	});

	it('drops a line whose values are all empty, and keeps unknown placeholders visible', () => {
		const text = renderTemplate('{{name}}\n{{downtime}}\n{{nope}}', { ...values, downtime: '' });
		expect(text).toBe('Payments &lt;API&gt; &amp; co\n{{nope}}');
	});

	it('checks a custom template the way Telegram would', () => {
		expect(checkTemplate('<b>{{name}}</b> {{summary}}')).toBeNull();
		expect(checkTemplate('<div>{{name}}</div>')).toMatch(/does not support the <div> tag/);
		expect(checkTemplate('<b>{{name}}')).toMatch(/never closed/);
		expect(checkTemplate('{{name}} {{colour}}')).toBe('Unknown variable: {{colour}}.');
		expect(checkTemplate('Tom & Jerry')).toMatch(/&amp;/);
		expect(escapeHtml('<a href="x">&')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;');
	});

	it('masks a token so it can be told apart but not used', () => {
		expect(maskToken(TOKEN)).toBe('123456789:AAF…mno');
	});
});

describe('updates', () => {
	it('finds chats in messages, channel posts and membership changes, and the next offset', () => {
		const group = { id: -100, type: 'group' as const, title: 'Ops' };
		const updates: ApiUpdate[] = [
			{ update_id: 10, my_chat_member: { chat: group, new_chat_member: { status: 'member' } } },
			{
				update_id: 11,
				channel_post: { message_id: 1, chat: { id: -200, type: 'channel', title: 'News' } },
			},
			{ update_id: 12, message: { message_id: 2, chat: group, migrate_to_chat_id: -100999 } },
		];
		const read = readUpdates(updates);
		expect(read.sightings.map((s) => [s.chat.id, s.memberStatus])).toEqual([
			[-100, 'member'],
			[-200, null],
			[-100, null],
		]);
		expect(read.migrations).toEqual([{ from: -100, to: -100999 }]);
		expect(read.nextOffset).toBe(13);
		expect(readUpdates([]).nextOffset).toBeNull();
	});
});

describe('rate limits', () => {
	it('keeps one message a second per chat and twenty a minute per group', () => {
		const limiter = new ChatRateLimiter();
		limiter.sent(1, T0);
		expect(limiter.waitFor(1, 'private', T0 + 200)).toBe(800);
		expect(limiter.waitFor(2, 'private', T0 + 200)).toBe(0);
		for (let i = 0; i < 20; i++) limiter.sent(3, T0 + i * 1000);
		expect(limiter.waitFor(3, 'group', T0 + 20_000)).toBe(40_000);
		expect(limiter.waitFor(3, 'private', T0 + 20_000)).toBe(0);
		limiter.block(2, T0 + 7000);
		expect(limiter.waitFor(2, 'private', T0 + 2000)).toBe(5000);
	});
});

/** A Bot API stand-in: records what it receives, answers what the test scripted. */
class FakeTelegram {
	sent: {
		chat_id: string;
		text: string;
		message_thread_id: string | null;
		disable_notification: string | null;
	}[] = [];
	script: (() => { status: number; body: unknown })[] = [];
	/** Replaces the next calls' whole exchange: a timeout, a dropped connection, an answer held back. */
	exchanges: (() => Promise<Response>)[] = [];
	online = true;

	fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		await Promise.resolve();
		if (!this.online) throw new TypeError('Failed to fetch');
		const url = new URL(input instanceof Request ? input.url : input.toString());
		const method = url.pathname.split('/').pop();
		const params = new URLSearchParams(
			init?.body instanceof URLSearchParams ? init.body : url.search,
		);
		const exchange = this.exchanges.shift();
		if (exchange) return exchange();
		const scripted = this.script.shift()?.();
		if (scripted) return Response.json(scripted.body, { status: scripted.status });
		if (method === 'sendMessage') {
			this.sent.push({
				chat_id: params.get('chat_id')!,
				text: params.get('text')!,
				message_thread_id: params.get('message_thread_id'),
				disable_notification: params.get('disable_notification'),
			});
			return Response.json({
				ok: true,
				result: {
					message_id: this.sent.length,
					chat: { id: Number(params.get('chat_id')), type: 'group' },
				},
			});
		}
		return Response.json({ ok: false, error_code: 404, description: 'Not Found' }, { status: 404 });
	};
}

async function setup() {
	let time = T0;
	const telegram = new FakeTelegram();
	const timers: { at: number; fn: () => void }[] = [];
	const env: DispatchEnv = {
		fetch: telegram.fetch,
		now: () => time,
		setTimer: (fn, ms) => {
			const timer = { at: time + ms, fn };
			timers.push(timer);
			return timer;
		},
		clearTimer: (handle) => {
			const i = timers.indexOf(handle as (typeof timers)[number]);
			if (i >= 0) timers.splice(i, 1);
		},
		online: () => telegram.online,
	};
	const store = new MemoryImageStore();
	const open = async () =>
		LiveDatabase.open({
			SQL: await loadSql(),
			files: await realMigrations(),
			store,
			backups: new MemoryBackupStore(),
			writerId: `w${Math.random()}`,
			now: () => time,
		});
	const db = await open();
	const e = db.engine;
	const { monitor, chatRef } = await db.write(() => {
		putSetting(e, API_BASE_KEY, 'http://127.0.0.2:9/bot', time);
		const monitor = createMonitor(
			e,
			{ name: 'API', url: 'http://127.0.0.2:9/api/health', intervalS: 60 },
			time,
		);
		const bot = saveBot(
			e,
			TOKEN,
			'123456789:…',
			{ id: 1, is_bot: true, first_name: 'Alerts' },
			time,
		);
		recordSighting(
			e,
			bot.id,
			{ chat: { id: -100, type: 'group', title: 'Ops' }, memberStatus: 'member' },
			time,
		);
		const chatRef = Number(e.value('SELECT id FROM telegram_chats'));
		setChatDefaults(e, chatRef, {
			isDefault: true,
			defaultThreadId: null,
			defaultSilent: false,
		});
		return { monitor, chatRef };
	});
	const check = (outcome: 'up' | 'down', at = time) =>
		db.write(() =>
			recordCheck(e, {
				monitorId: monitor.id,
				retries: 0,
				dueAt: Number(e.value('SELECT next_due_at FROM monitor_status')),
				observation: {
					startedAt: at,
					durationMs: 20,
					outcome,
					httpStatus: outcome === 'up' ? 200 : 503,
					message: outcome === 'up' ? 'HTTP 200 in 20 ms' : 'HTTP 503, expected 200-299',
					corsBlocked: false,
				},
				nextDueAt: at + 60_000,
				retryAt: at + 20_000,
			}),
		);
	const advance = async (ms: number, dispatcher: Dispatcher) => {
		const until = time + ms;
		for (;;) {
			await dispatcher.idle();
			const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
			if (!next) break;
			timers.splice(timers.indexOf(next), 1);
			time = Math.max(time, next.at);
			next.fn();
		}
		time = until;
		await dispatcher.idle();
	};
	const outbox = () =>
		e.all<{ kind: string; status: string; last_error: string | null }>(
			'SELECT kind, status, last_error FROM outbox ORDER BY id',
		);
	return {
		db,
		e,
		env,
		telegram,
		monitor,
		chatRef,
		check,
		advance,
		outbox,
		open,
		tick: (ms: number) => (time += ms),
	};
}

describe('alerts', () => {
	it('writes the alert in the same transaction as the state change, to the default chats', async () => {
		const t = await setup();
		await t.check('up');
		expect(t.outbox()).toEqual([]); // a new monitor coming up is not news
		t.tick(60_000);
		await t.check('down');
		expect(t.outbox()).toEqual([{ kind: 'down', status: 'pending', last_error: null }]);
		expect(t.e.value('SELECT count(*) FROM events')).toBe(2);
	});

	it('follows the monitor’s choice: chosen chats with a topic and silently, or none', async () => {
		const t = await setup();
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, {
				mode: 'chosen',
				reminderMinutes: null,
				chats: [{ chatRef: t.chatRef, threadId: 7, silent: true }],
			}),
		);
		await t.check('down');
		expect(t.e.get('SELECT thread_id, silent FROM outbox')).toEqual({ thread_id: 7, silent: 1 });
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, { mode: 'off', reminderMinutes: null, chats: [] }),
		);
		t.tick(60_000);
		await t.check('up');
		expect(t.e.value('SELECT count(*) FROM outbox')).toBe(1);
	});

	it('reminds every N minutes while down, and stops once up', async () => {
		const t = await setup();
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, { mode: 'default', reminderMinutes: 10, chats: [] }),
		);
		await t.check('down');
		t.tick(9 * 60_000);
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 9 * 60_000))).toBe(0);
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 10 * 60_000))).toBe(1);
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 15 * 60_000))).toBe(0);
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 20 * 60_000))).toBe(1);
		expect(t.outbox().map((o) => o.kind)).toEqual(['down', 'reminder', 'reminder']);
	});
});

describe('delivery', () => {
	it('sends each message once, with the right text, and marks it sent', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		await t.check('down');
		dispatcher.kick();
		await t.advance(0, dispatcher);
		t.tick(60_000);
		await t.check('up');
		dispatcher.kick();
		await t.advance(2_000, dispatcher);
		expect(t.telegram.sent.map((m) => m.text.split('\n')[0])).toEqual([
			'🔴 <b>API</b> is down',
			'✅ <b>API</b> is up again after 1 min',
		]);
		expect(t.telegram.sent[0]!.chat_id).toBe('-100');
		expect(t.outbox().map((o) => o.status)).toEqual(['sent', 'sent']);
		dispatcher.kick();
		await t.advance(60_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(2);
	});

	it('honours retry_after on 429', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.script.push(() => ({
			status: 429,
			body: {
				ok: false,
				error_code: 429,
				description: 'Too Many Requests: retry after 7',
				parameters: { retry_after: 7 },
			},
		}));
		await t.check('down');
		dispatcher.kick();
		await t.advance(6_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(0);
		expect(t.outbox()[0]).toMatchObject({
			status: 'pending',
			last_error: 'Too Many Requests: retry after 7',
		});
		await t.advance(1_500, dispatcher);
		expect(t.telegram.sent).toHaveLength(1);
		expect(t.outbox()[0]!.status).toBe('sent');
	});

	it('disables a chat that blocked or removed the bot, with the reason, and fails its messages', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.script.push(() => ({
			status: 403,
			body: {
				ok: false,
				error_code: 403,
				description: 'Forbidden: bot was kicked from the group chat',
			},
		}));
		await t.check('down');
		dispatcher.kick();
		await t.advance(1_000, dispatcher);
		expect(t.outbox()[0]).toMatchObject({ status: 'failed' });
		expect(t.e.value('SELECT disabled_reason FROM telegram_chats')).toMatch(/kicked/);
		t.tick(60_000);
		await t.check('up');
		expect(t.e.value('SELECT count(*) FROM outbox')).toBe(1); // a disabled chat gets no new alerts
	});

	it('follows a group that became a supergroup, keeping its settings, and sends there', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.script.push(() => ({
			status: 400,
			body: {
				ok: false,
				error_code: 400,
				description: 'Bad Request: group chat was upgraded to a supergroup chat',
				parameters: { migrate_to_chat_id: -1001234 },
			},
		}));
		await t.check('down');
		dispatcher.kick();
		await t.advance(2_000, dispatcher);
		expect(t.telegram.sent.map((m) => m.chat_id)).toEqual(['-1001234']);
		expect(t.e.get('SELECT chat_id, type, is_default FROM telegram_chats')).toEqual({
			chat_id: -1001234,
			type: 'supergroup',
			is_default: 1,
		});
	});

	it('marks a revoked token, and holds its messages without sending', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.script.push(() => ({
			status: 401,
			body: { ok: false, error_code: 401, description: 'Unauthorized' },
		}));
		await t.check('down');
		dispatcher.kick();
		await t.advance(1_000, dispatcher);
		expect(t.e.value('SELECT status FROM telegram_bots')).toBe('revoked');
		expect(t.outbox()[0]!.status).toBe('failed');
		const [entry] = activityPage(t.e, { kind: 'alert' }).entries;
		expect(entry).toMatchObject({ level: 'error', details: { chat: -100, outcome: 'failed' } });
		expect(entry!.message).toMatch(
			/^Telegram alert to chat -100 failed: .*API is down \(Telegram does not accept this bot token/,
		);
		expect(JSON.stringify(t.e.all('SELECT * FROM app_log'))).not.toContain(TOKEN);
	});

	it("writes each alert sent in the activity log, with the chat and the alert's first line", async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		await t.check('down');
		dispatcher.kick();
		await t.advance(1_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(1);
		const entries = activityPage(t.e, { kind: 'alert' }).entries;
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ level: 'info', details: { chat: -100, outcome: 'sent' } });
		expect(entries[0]!.message).toMatch(/^Telegram alert sent to chat -100: .*API/);
		expect(entries[0]!.message).not.toMatch(/[<>]/);
	});

	it('waits while offline and sends once back online, once', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.online = false;
		await t.check('down');
		dispatcher.kick();
		await t.advance(30_000, dispatcher);
		expect(t.outbox()[0]!.status).toBe('pending');
		t.telegram.online = true;
		await t.advance(10_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(1);
	});

	it('never sends twice: a message claimed by an owner that stopped mid-send becomes uncertain', async () => {
		const t = await setup();
		await t.check('down');
		// The previous owner claimed the message and stopped before Telegram's answer came back.
		await t.db.write(() => t.e.run("UPDATE outbox SET status = 'sending', attempts = 1"));
		const next = await t.open();
		const dispatcher = new Dispatcher(next, t.env);
		await dispatcher.start();
		await t.advance(60_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(0);
		expect(next.engine.get('SELECT status, last_error FROM outbox')).toEqual({
			status: 'uncertain',
			last_error: 'Monitor stopped while sending; it may or may not have arrived.',
		});
	});
});

describe('notification log retention', () => {
	it('rotates sent and failed notifications with the checks, never one still to be sent', async () => {
		const t = await setup();
		const DAY = 86_400_000;
		await t.db.write(() => {
			for (const [status, age] of [
				// Past the default retention of 90 days, and recent.
				['sent', 100],
				['failed', 100],
				['uncertain', 100],
				['pending', 100],
				['sent', 5],
			] as const)
				t.e.run(
					`INSERT INTO outbox (kind, chat_ref, text, created_at, status, next_attempt_at) VALUES ('test', ?, 'x', ?, ?, 0)`,
					[t.chatRef, T0 - age * DAY, status],
				);
		});
		const { rotate } = await import('../../src/worker/domain/checks/retention');
		const result = await rotate(t.db, T0);
		expect(result.notifications).toBe(3);
		expect(t.e.all('SELECT status FROM outbox ORDER BY id')).toEqual([
			{ status: 'pending' },
			{ status: 'sent' },
		]);
	});
});

describe('delivery when the answer is lost (issue 19, item 12)', () => {
	const IMPORT = {
		reason: 'before-import',
		subject: 'This file',
		corrupt: 'import-corrupt',
		task: 'import',
	} as const;

	it.each([
		[
			'timed out',
			() => Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')),
		],
		[
			'lost its reply',
			() =>
				Promise.resolve(
					new Response(
						new ReadableStream({
							start: (controller) => controller.error(new TypeError('network error')),
						}),
						{ status: 200 },
					),
				),
		],
		[
			'got an unreadable reply',
			() => Promise.resolve(new Response('<html>502</html>', { status: 502 })),
		],
	])('a send that %s after the claim is uncertain and never sent again', async (_, exchange) => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.exchanges.push(exchange);
		await t.check('down');
		dispatcher.kick();
		await t.advance(30 * 60_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(0);
		expect(t.outbox()[0]).toMatchObject({ status: 'uncertain' });
		expect(t.outbox()[0]!.last_error).toMatch(/may or may not have arrived/);
	});

	it('a send that found no connection at all is retried, and delivered once', async () => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.exchanges.push(() => Promise.reject(new TypeError('Failed to fetch')));
		await t.check('down');
		dispatcher.kick();
		await t.advance(60_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(1);
		expect(t.outbox()[0]!.status).toBe('sent');
	});

	it.each([
		[1e9, 3600],
		[0, 1],
		[-5, 1],
	])('keeps retry_after %d to %d s', async (given, seconds) => {
		const t = await setup();
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		t.telegram.script.push(() => ({
			status: 429,
			body: {
				ok: false,
				error_code: 429,
				description: 'Too Many Requests',
				parameters: { retry_after: given },
			},
		}));
		await t.check('down');
		const before = t.env.now();
		dispatcher.kick();
		await t.advance(0, dispatcher);
		expect(t.e.value('SELECT next_attempt_at FROM outbox')).toBe(before + seconds * 1000);
	});

	it('sweeps the claims an imported file left without an outcome: they become uncertain, not stuck', async () => {
		const t = await setup();
		await t.check('down');
		await t.db.write(() => t.e.run("UPDATE outbox SET status = 'sending', attempts = 1"));
		const imported = t.e.db.export();
		await t.db.write(() => t.e.run("UPDATE outbox SET status = 'sent'"));
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();

		await t.db.replace(imported, IMPORT);
		dispatcher.kick();
		await t.advance(60_000, dispatcher);
		expect(t.telegram.sent).toHaveLength(0);
		expect(t.db.engine.value('SELECT status FROM outbox')).toBe('uncertain');
	});

	it('marks nothing in the database a replace brought in while a send was on its way', async () => {
		const t = await setup();
		await t.check('down');
		// The file imported meanwhile holds a message of its own under the same id, not yet sent.
		const imported = t.e.db.export();
		let answer!: () => void;
		t.telegram.exchanges.push(
			() =>
				new Promise<Response>((resolve) => {
					answer = () =>
						resolve(
							Response.json({
								ok: true,
								result: { message_id: 77, chat: { id: -100, type: 'group' } },
							}),
						);
				}),
		);
		const dispatcher = new Dispatcher(t.db, t.env);
		await dispatcher.start();
		dispatcher.kick();
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(t.e.value('SELECT status FROM outbox')).toBe('sending');

		await t.db.replace(imported, IMPORT);
		const row =
			'SELECT status, attempts, last_error, next_attempt_at, telegram_message_id FROM outbox';
		const asImported = t.db.engine.get(row);
		answer();
		await dispatcher.idle();
		expect(t.db.engine.get(row)).toEqual(asImported);
		expect(asImported).toMatchObject({ status: 'pending', attempts: 0 });
	});
});

describe('delivery failures reach the person (issue 19, item 14)', () => {
	it('a delivery pass that fails is reported, not left as an unhandled rejection', async () => {
		const t = await setup();
		const reported: [string, unknown][] = [];
		const dispatcher = new Dispatcher(t.db, {
			...t.env,
			report: (what, error) => reported.push([what, error]),
		});
		await dispatcher.start();
		await t.check('down');
		// A table the pass reads is gone (a damaged file): the pass throws before sending anything.
		await t.db.write(() => t.e.exec('ALTER TABLE telegram_chats RENAME TO chats_gone'));
		dispatcher.kick();
		await dispatcher.idle();
		expect(reported).toEqual([
			[
				'Delivering Telegram messages failed',
				expect.objectContaining({ message: 'no such table: telegram_chats' }),
			],
		]);
	});
});
