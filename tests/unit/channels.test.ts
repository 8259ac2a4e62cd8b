/**
 * Alert channels over the outbox, with the real sql.js and real HTTP servers on 127.0.0.1: what an event
 * queues for each channel, how the dispatcher delivers it (claim first, sent / unconfirmed / failed /
 * retried), the webhook payload's documented shape, acknowledgements and reminders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import {
	acknowledgeIncident,
	listChannels,
	prepareChannel,
	setTemplates,
	storeChannel,
	testChannel,
} from '../../src/worker/domain/alerts/service';
import { recordCheck } from '../../src/worker/domain/checks/record';
import { createMonitor } from '../../src/worker/domain/monitors/service';
import { enqueueReminders } from '../../src/worker/domain/telegram/alerts';
import { Dispatcher, type DispatchEnv } from '../../src/worker/domain/telegram/dispatcher';
import { activityPage } from '../../src/worker/domain/activity/log';
import { monitorAlerts, setMonitorAlerts } from '../../src/worker/stores/alert-targets';
import { outboxFor } from '../../src/worker/stores/outbox';
import { startReceiver, type Receiver } from '../e2e/support/fake-receivers';
import { loadSql, realMigrations } from './helpers';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const servers: Receiver[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(kind: 'webhook' | 'ntfy' | 'no-cors'): Promise<Receiver> {
	const r = await startReceiver(kind);
	servers.push(r);
	return r;
}

async function setup() {
	let time = T0;
	const timers: { at: number; fn: () => void }[] = [];
	const env: DispatchEnv = {
		fetch: (input, init) => fetch(input, init),
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
		online: () => true,
	};
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		files: await realMigrations(),
		store: new MemoryImageStore(),
		backups: new MemoryBackupStore(),
		writerId: `w${Math.random()}`,
		now: () => time,
	});
	const e = db.engine;
	const monitor = await db.write(() =>
		createMonitor(e, { name: 'Payments', url: 'http://127.0.0.2:9/health', intervalS: 60 }, time),
	);
	const addChannel = async (input: Record<string, unknown>) => {
		const prepared = await prepareChannel(e, { enabled: true, ...input });
		return db.write(() => storeChannel(e, prepared, time));
	};
	const check = (outcome: 'up' | 'down') =>
		db.write(() =>
			recordCheck(e, {
				monitorId: monitor.id,
				retries: 0,
				dueAt: Number(e.value('SELECT next_due_at FROM monitor_status')),
				observation: {
					startedAt: time,
					durationMs: 20,
					outcome,
					httpStatus: outcome === 'up' ? 200 : 503,
					message: outcome === 'up' ? 'HTTP 200 in 20 ms' : 'HTTP 503, expected 200-299',
					corsBlocked: false,
				},
				nextDueAt: time + 60_000,
				retryAt: time + 20_000,
			}),
		);
	const dispatcher = new Dispatcher(db, env);
	const advance = async (ms: number) => {
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
		e.all<{ kind: string; channel_id: number | null; status: string; last_error: string | null }>(
			'SELECT kind, channel_id, status, last_error FROM outbox ORDER BY id',
		);
	return {
		db,
		e,
		monitor,
		addChannel,
		check,
		dispatcher,
		advance,
		outbox,
		tick: (ms: number) => (time += ms),
	};
}

describe('channels', () => {
	it('queue one message per enabled default channel in the event’s transaction, and deliver each once', async () => {
		const hook = await receiver('webhook');
		const ntfy = await receiver('ntfy');
		const t = await setup();
		const webhook = await t.addChannel({
			kind: 'webhook',
			name: 'Ops hook',
			config: { url: `${hook.url}/alerts`, header: 'X-Monitor-Secret' },
			secret: { value: 's3cret' },
			isDefault: true,
		});
		await t.addChannel({
			kind: 'ntfy',
			name: 'Phone',
			config: { server: ntfy.url, topic: 'monitor-alerts', tags: 'warning, skull' },
			secret: { token: 'tk_abc' },
			isDefault: true,
		});
		await t.addChannel({
			kind: 'webhook',
			name: 'Not default',
			config: { url: `${hook.url}/other` },
			secret: {},
		});
		await t.addChannel({
			kind: 'webhook',
			name: 'Off',
			config: { url: `${hook.url}/off` },
			secret: {},
			isDefault: true,
			enabled: false,
		});
		// The UI never sees a secret.
		expect(JSON.stringify(listChannels(t.e))).not.toContain('s3cret');
		expect(listChannels(t.e).find((c) => c.id === webhook.id)?.hasSecret).toBe(true);

		await t.check('up');
		expect(t.outbox()).toEqual([]);
		t.tick(60_000);
		await t.check('down');
		expect(t.outbox().map((o) => [o.kind, o.channel_id, o.status])).toEqual([
			['down', 1, 'pending'],
			['down', 2, 'pending'],
		]);
		await t.dispatcher.start();
		await t.advance(5_000);
		t.tick(120_000);
		await t.check('up');
		t.dispatcher.kick(); // the app kicks it on every change of the outbox
		await t.advance(5_000);

		expect(t.outbox().map((o) => [o.kind, o.channel_id, o.status])).toEqual([
			['down', 1, 'sent'],
			['down', 2, 'sent'],
			['up', 1, 'sent'],
			['up', 2, 'sent'],
		]);
		expect(hook.received.map((r) => r.path)).toEqual(['/alerts', '/alerts']);
		expect(hook.received[0]!.headers['x-monitor-secret']).toBe('s3cret');
		expect(hook.received[0]!.headers['content-type']).toBe('application/json');
		const down = JSON.parse(hook.received[0]!.body) as Record<string, unknown>;
		expect(down).toEqual({
			version: 1,
			event: 'down',
			monitor: { id: t.monitor.id, name: 'Payments', url: 'http://127.0.0.2:9/health' },
			state: 'down',
			previousState: 'up',
			time: new Date(T0 + 60_000).toISOString(),
			message: 'HTTP 503, expected 200-299',
			downtimeMs: null,
			text: '🔴 Payments is down: HTTP 503, expected 200-299\nhttp://127.0.0.2:9/health',
			link: null,
		});
		// The alerts README documents this shape: same keys, same kinds of values.
		const readme = readFileSync(
			join(import.meta.dirname, '../../src/worker/domain/alerts/README.md'),
			'utf8',
		);
		const documented = JSON.parse(
			/```json\n(\{\n\t"version"[\s\S]*?)```/.exec(readme)![1]!,
		) as Record<string, unknown>;
		expect(Object.keys(documented).sort()).toEqual(Object.keys(down).sort());
		for (const key of Object.keys(down))
			if (down[key] !== null && documented[key] !== null)
				expect(typeof documented[key], key).toBe(typeof down[key]);
		const up = JSON.parse(hook.received[1]!.body) as Record<string, unknown>;
		expect(up).toMatchObject({
			event: 'up',
			state: 'up',
			previousState: 'down',
			downtimeMs: 125_000,
		});
		expect(up.text).toBe('✅ Payments is up again after 2 min\nhttp://127.0.0.2:9/health');

		expect(ntfy.received).toHaveLength(2);
		expect(ntfy.received[0]!.path).toBe('/');
		expect(ntfy.received[0]!.headers.authorization).toBe('Bearer tk_abc');
		expect(JSON.parse(ntfy.received[0]!.body)).toEqual({
			topic: 'monitor-alerts',
			title: '🔴 Payments is down: HTTP 503, expected 200-299',
			message: '🔴 Payments is down: HTTP 503, expected 200-299\nhttp://127.0.0.2:9/health',
			priority: 4,
			tags: ['warning', 'skull'],
		});
		const lines = activityPage(t.e, { kind: 'alert', limit: 10 }).entries.map((a) => a.message);
		expect(lines).toContain(
			'Webhook alert sent to “Ops hook”: 🔴 Payments is down: HTTP 503, expected 200-299',
		);
		expect(lines.join('\n')).not.toContain('s3cret');
	});

	it('follow the monitor’s choice: chosen channels only, or none', async () => {
		const hook = await receiver('webhook');
		const t = await setup();
		const a = await t.addChannel({
			kind: 'webhook',
			name: 'A',
			config: { url: hook.url },
			secret: {},
			isDefault: true,
		});
		const b = await t.addChannel({
			kind: 'webhook',
			name: 'B',
			config: { url: hook.url },
			secret: {},
		});
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, {
				mode: 'chosen',
				reminderMinutes: null,
				chats: [],
				channels: [b.id],
			}),
		);
		expect(monitorAlerts(t.e, t.monitor.id).channels).toEqual([b.id]);
		await t.check('down');
		expect(t.outbox().map((o) => o.channel_id)).toEqual([b.id]);
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, { mode: 'off', reminderMinutes: null, chats: [] }),
		);
		t.tick(60_000);
		await t.check('up');
		expect(t.outbox()).toHaveLength(1);
		expect(a.id).not.toBe(b.id);
	});

	it('Discord and Slack are sent without reading the answer: "unconfirmed", said so in the log', async () => {
		const sink = await receiver('no-cors');
		const t = await setup();
		const discord = await t.addChannel({
			kind: 'discord',
			name: 'Discord #ops',
			secret: { url: `${sink.url}/discord` },
		});
		const slack = await t.addChannel({
			kind: 'slack',
			name: 'Slack #ops',
			secret: { url: `${sink.url}/slack` },
		});
		await t.db.write(() => {
			testChannel(t.e, discord.id, T0);
			testChannel(t.e, slack.id, T0);
		});
		await t.dispatcher.start();
		await t.advance(2_000);
		expect(t.outbox().map((o) => o.status)).toEqual(['unconfirmed', 'unconfirmed']);
		expect(outboxFor(t.e, null)[0]).toMatchObject({
			status: 'unconfirmed',
			chatTitle: 'Slack #ops',
		});
		expect(sink.received.map((r) => r.path)).toEqual(['/discord', '/slack']);
		expect(sink.received[0]!.headers['content-type']).toMatch(/^multipart\/form-data/);
		expect(sink.received[0]!.body).toContain('Monitor can send alerts to “Discord #ops”');
		expect(new URLSearchParams(sink.received[1]!.body).get('payload')).toContain(
			'"text":"✅ Monitor can send alerts',
		);
		const lines = activityPage(t.e, { kind: 'alert', limit: 10 }).entries.map((a) => a.message);
		expect(
			lines.some((l) => l.startsWith('Discord alert sent to “Discord #ops”, unconfirmed')),
		).toBe(true);
	});

	it('retries a 5xx, waits out a 429, and fails a 4xx for good (with what the server said)', async () => {
		const hook = await receiver('webhook');
		const t = await setup();
		const c = await t.addChannel({
			kind: 'webhook',
			name: 'Hook',
			config: { url: hook.url },
			secret: {},
		});
		hook.replies.push(
			{ status: 503 },
			{ status: 429, headers: { 'Retry-After': '30' } },
			{ status: 200 },
		);
		await t.db.write(() => testChannel(t.e, c.id, T0));
		await t.dispatcher.start();
		await t.advance(1_000);
		expect(t.outbox()[0]).toMatchObject({
			status: 'pending',
			last_error: 'Hook answered HTTP 503',
		});
		await t.advance(5_000);
		expect(hook.received).toHaveLength(2);
		expect(t.outbox()[0]!.status).toBe('pending');
		await t.advance(28_000);
		expect(hook.received).toHaveLength(2);
		await t.advance(2_000);
		expect(hook.received).toHaveLength(3);
		expect(t.outbox()[0]!.status).toBe('sent');

		hook.replies.push({ status: 410, body: 'this hook was deleted' });
		await t.db.write(() => testChannel(t.e, c.id, T0));
		t.dispatcher.kick();
		await t.advance(3_000);
		expect(t.outbox()[1]).toMatchObject({
			status: 'failed',
			last_error: 'Hook answered HTTP 410: this hook was deleted',
		});
		await t.advance(600_000);
		expect(hook.received).toHaveLength(4);
	});

	it('never sends a claimed message twice: a claim left by a stopped owner becomes uncertain', async () => {
		const hook = await receiver('webhook');
		const t = await setup();
		const c = await t.addChannel({
			kind: 'webhook',
			name: 'Hook',
			config: { url: hook.url },
			secret: {},
		});
		await t.db.write(() => {
			testChannel(t.e, c.id, T0);
			t.e.run("UPDATE outbox SET status = 'sending'");
		});
		await t.dispatcher.start();
		await t.advance(10_000);
		expect(t.outbox()[0]!.status).toBe('uncertain');
		expect(hook.received).toHaveLength(0);
	});

	it('refuses bad input by field, storing nothing', async () => {
		const t = await setup();
		const before = t.e.db.export();
		const refusal = await prepareChannel(t.e, {
			kind: 'ntfy',
			name: ' ',
			config: { server: 'ftp://x', topic: 'has space', priority: 9 },
			secret: {},
		}).catch((e: unknown) => e);
		expect(refusal).toMatchObject({
			code: 'invalid-input',
			detail: {
				fields: {
					name: expect.any(String),
					server: expect.any(String),
					topic: expect.any(String),
					priority: expect.any(String),
				},
			},
		});
		expect(t.e.db.export()).toEqual(before);
	});

	it('uses the person’s template for an event, the default for the others', async () => {
		const hook = await receiver('webhook');
		const t = await setup();
		await t.addChannel({
			kind: 'webhook',
			name: 'Hook',
			config: { url: hook.url },
			secret: {},
			isDefault: true,
		});
		await t.db.write(() =>
			setTemplates(t.e, { down: 'DOWN {{name}} ({{state}}) {{message}} {{url}}' }, T0),
		);
		await t.check('down');
		t.tick(60_000);
		await t.check('up');
		expect(
			t.e.all<{ text: string }>('SELECT text FROM outbox ORDER BY id').map((r) => r.text),
		).toEqual([
			'DOWN Payments (DOWN) HTTP 503, expected 200-299 http://127.0.0.2:9/health',
			'✅ Payments is up again after 1 min\nhttp://127.0.0.2:9/health',
		]);
	});
});

describe('acknowledge and reminders', () => {
	it('reminds every channel while down; an acknowledgement stops it until the next state change', async () => {
		const hook = await receiver('webhook');
		const t = await setup();
		await t.addChannel({
			kind: 'webhook',
			name: 'Hook',
			config: { url: hook.url },
			secret: {},
			isDefault: true,
		});
		await t.db.write(() =>
			setMonitorAlerts(t.e, t.monitor.id, { mode: 'default', reminderMinutes: 10, chats: [] }),
		);
		await t.check('down');
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 10 * 60_000))).toBe(1);
		expect(t.outbox().map((o) => o.kind)).toEqual(['down', 'reminder']);

		await t.db.write(() => acknowledgeIncident(t.e, t.monitor.id, T0 + 11 * 60_000));
		expect(monitorAlerts(t.e, t.monitor.id).acknowledgedAt).toBe(T0 + 11 * 60_000);
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 30 * 60_000))).toBe(0);
		expect(activityPage(t.e, { kind: 'alert', limit: 5 }).entries[0]!.message).toBe(
			'Acknowledged on this device: Payments is down; no reminders until it changes state.',
		);

		// Up, then down again: a new incident, reminded again.
		t.tick(31 * 60_000);
		await t.check('up');
		expect(monitorAlerts(t.e, t.monitor.id).acknowledgedAt).toBeNull();
		t.tick(60_000);
		await t.check('down');
		expect(await t.db.write(() => enqueueReminders(t.e, T0 + 43 * 60_000))).toBe(1);
		expect(t.outbox().map((o) => o.kind)).toEqual(['down', 'reminder', 'up', 'down', 'reminder']);
	});

	it('refuses to acknowledge a monitor that is not down, changing nothing', async () => {
		const t = await setup();
		await t.check('up');
		const before = t.e.db.export();
		expect(() => acknowledgeIncident(t.e, t.monitor.id, T0)).toThrow(/Only a monitor that is down/);
		expect(t.e.db.export()).toEqual(before);
	});
});
