/**
 * The published status page: its data built in the worker's domain layer from a real database (sql.js,
 * the real migrations), and the pure renderer of the page and the badges. Nothing secret may reach
 * either: request headers and bodies are seeded with a marker and looked for in every output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import type { Outcome } from '../../src/shared/checks';
import { readStatusRequest, type StatusSummary } from '../../src/shared/status';
import {
	badgeFilename,
	NOT_XML,
	escapeMarkup,
	formatUptime,
	renderBadge,
	renderStatusPage,
} from '../../src/shared/status-page';
import { migrate } from '../../src/worker/core/migrations/runner';
import { createMonitor, setMonitorEnabled } from '../../src/worker/domain/monitors/service';
import { createTag } from '../../src/worker/domain/monitors/tags';
import { incidents, statusSummary } from '../../src/worker/domain/status/summary';
import { insertEvent, updateStatus } from '../../src/worker/stores/monitor-status';
import { addToRollup } from '../../src/worker/stores/rollups';
import { newEngine, realMigrations } from './helpers';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7, 12, 30);
const SECRET = 'SECRET-7f3a9c';

async function seeded() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	const edge = createTag(engine, { name: 'Edge', colour: '#2563eb' }, 1);
	const secretive = {
		url: 'http://127.0.0.2:9/pay?x=1',
		intervalS: 60,
		method: 'POST' as const,
		headers: { Authorization: `Bearer ${SECRET}` },
		body: { contentType: 'application/json', text: `{"token":"${SECRET}"}` },
	};
	const pay = createMonitor(
		engine,
		{ ...secretive, name: 'Payments <script>alert(1)</script>', tags: [edge.id] },
		NOW - 100 * DAY,
	);
	const web = createMonitor(
		engine,
		{ name: 'Website', url: 'http://127.0.0.2:9/', intervalS: 60, tags: [edge.id] },
		NOW - 100 * DAY,
	);
	const other = createMonitor(
		engine,
		{ name: 'Untagged', url: 'http://127.0.0.2:9/other', intervalS: 60 },
		NOW - 100 * DAY,
	);
	setMonitorEnabled(engine, other.id, false, NOW - DAY);
	// Pay: 3 checks a day for 100 days, one down on day NOW-2; an incident 2 days ago and one ongoing.
	for (let d = 0; d < 100; d++) {
		const at = NOW - d * DAY;
		const outcomes: Outcome[] = d === 2 ? ['up', 'down', 'up'] : ['up', 'up', 'degraded'];
		for (const [i, outcome] of outcomes.entries()) {
			for (const resolution of ['hour', 'day'] as const)
				addToRollup(engine, pay.id, resolution, at - i * 3_600_000, outcome, 100 + i * 10);
		}
	}
	insertEvent(engine, {
		monitorId: pay.id,
		at: NOW - 2 * DAY,
		from: 'up',
		to: 'down',
		message: 'HTTP 503 <b>',
		checkId: 1,
	});
	insertEvent(engine, {
		monitorId: pay.id,
		at: NOW - 2 * DAY + 600_000,
		from: 'down',
		to: 'up',
		message: '',
		checkId: 2,
	});
	insertEvent(engine, {
		monitorId: pay.id,
		at: NOW - 3_600_000,
		from: 'up',
		to: 'degraded',
		message: 'slow',
		checkId: 3,
	});
	updateStatus(engine, pay.id, {
		state: 'degraded',
		changed: true,
		at: NOW - 3_600_000,
		retrying: false,
		failures: 0,
		nextDueAt: NOW,
		lastCheckId: 3,
		corsBlocked: false,
	});
	return { engine, edge, pay, web, other };
}

describe('the status summary (worker, domain layer)', () => {
	it('holds the chosen monitors by name, their state, 90 days, a response series and incidents', async () => {
		const { engine, pay, web } = await seeded();
		const summary = statusSummary(
			engine,
			{ title: 'Acme', monitorIds: [web.id, pay.id], showUrls: false },
			NOW,
		);
		expect(summary).toMatchObject({ format: 'monitor-status/1', title: 'Acme', generatedAt: NOW });
		expect(summary.monitors.map((m) => [m.key, m.name, m.state])).toEqual([
			[1, 'Payments <script>alert(1)</script>', 'degraded'],
			[2, 'Website', 'unknown'],
		]);
		const [p, w] = summary.monitors as [StatusSummary['monitors'][0], StatusSummary['monitors'][0]];
		expect(p.days).toHaveLength(90);
		expect(p.days.at(-1)!.day).toBe('2026-12-07');
		expect(p.days.at(-3)).toMatchObject({ day: '2026-12-05', checks: 3, down: 1 });
		expect(p.uptime90d).toBeCloseTo((270 - 1) / 270, 6);
		expect(p.responseMs).toHaveLength(56);
		expect(p.responseMs.some((v) => v !== null)).toBe(true);
		expect(p.since).toBe(NOW - 3_600_000);
		expect(p.incidents).toEqual([
			{ state: 'degraded', start: NOW - 3_600_000, end: null, message: 'slow', note: null },
			{
				state: 'down',
				start: NOW - 2 * DAY,
				end: NOW - 2 * DAY + 600_000,
				message: 'HTTP 503 <b>',
				note: null,
			},
		]);
		expect(w).toMatchObject({ uptime90d: null, uptime24h: null, incidents: [] });
		expect('url' in p).toBe(false);
	});

	it('by tag; URLs only when asked; paused monitors say so; unknown ids and tags are refused', async () => {
		const { engine, edge, other } = await seeded();
		const byTag = statusSummary(engine, { title: 'Edge', tagId: edge.id, showUrls: true }, NOW);
		expect(byTag.monitors.map((m) => [m.name, m.url])).toEqual([
			['Payments <script>alert(1)</script>', 'http://127.0.0.2:9/pay?x=1'],
			['Website', 'http://127.0.0.2:9/'],
		]);
		const paused = statusSummary(
			engine,
			{ title: 'x', monitorIds: [other.id], showUrls: false },
			NOW,
		);
		expect(paused.monitors[0]).toMatchObject({ state: 'paused', since: null });
		expect(() =>
			statusSummary(engine, { title: 'x', monitorIds: [999], showUrls: false }, NOW),
		).toThrow(AppError);
		expect(() => statusSummary(engine, { title: 'x', tagId: 999, showUrls: false }, NOW)).toThrow(
			AppError,
		);
	});

	it('never holds a header, a body or a token, in the JSON, the page or a badge', async () => {
		const { engine, edge } = await seeded();
		const summary = statusSummary(engine, { title: 'Edge', tagId: edge.id, showUrls: true }, NOW);
		const outputs = [
			JSON.stringify(summary),
			renderStatusPage(summary),
			...summary.monitors.map(renderBadge),
		];
		for (const text of outputs) {
			expect(text).not.toContain(SECRET);
			expect(text).not.toContain('Authorization');
			expect(text).not.toContain('Bearer');
		}
	});

	it('without "Show URLs", no address reaches the page, not even in an incident’s message', async () => {
		const { engine, web } = await seeded();
		// What the checker says of a redirect to another site: both origins, the monitor's own included.
		insertEvent(engine, {
			monitorId: web.id,
			at: NOW - DAY,
			from: 'up',
			to: 'down',
			message:
				'HTTP 301: redirected to https://127.0.0.3:8443, not followed: the custom headers and body go to http://127.0.0.2:9 only',
			checkId: 4,
		});
		const hidden = statusSummary(
			engine,
			{ title: 'x', monitorIds: [web.id], showUrls: false },
			NOW,
		);
		for (const text of [JSON.stringify(hidden), renderStatusPage(hidden)]) {
			expect(text).not.toContain('127.0.0.2');
			expect(text).not.toContain('127.0.0.3');
		}
		expect(hidden.monitors[0]!.incidents[0]!.message).toMatch(/^HTTP 301: redirected to /);
		const shown = statusSummary(engine, { title: 'x', monitorIds: [web.id], showUrls: true }, NOW);
		expect(shown.monitors[0]!.incidents[0]!.message).toContain('http://127.0.0.2:9 only');
	});

	it('lists an incident that began before the 90 days: one still open, and one that ended within them', async () => {
		const { engine, pay, web } = await seeded();
		const event = (monitorId: number, at: number, from: Outcome, to: Outcome) =>
			insertEvent(engine, { monitorId, at, from, to, message: `to ${to}`, checkId: 9 });
		// Website: down for 120 days and still down.
		event(web.id, NOW - 120 * DAY, 'up', 'down');
		// Payments: down from 95 days ago to 85 days ago (besides its two recent incidents).
		event(pay.id, NOW - 200 * DAY, 'down', 'up');
		event(pay.id, NOW - 95 * DAY, 'up', 'down');
		event(pay.id, NOW - 85 * DAY, 'down', 'up');
		const summary = statusSummary(
			engine,
			{ title: 'x', monitorIds: [web.id, pay.id], showUrls: false },
			NOW,
		);
		const [p, w] = summary.monitors;
		expect(w!.incidents).toEqual([
			{ state: 'down', start: NOW - 120 * DAY, end: null, message: 'to down', note: null },
		]);
		expect(p!.incidents).toHaveLength(3);
		expect(p!.incidents[2]).toEqual({
			state: 'down',
			start: NOW - 95 * DAY,
			end: NOW - 85 * DAY,
			message: 'to down',
			note: null,
		});
	});

	it('reads requests from untrusted input', () => {
		expect(readStatusRequest({ title: ' T ', monitorIds: [2, 2, 1], showUrls: 'yes' })).toEqual({
			ok: true,
			value: { title: 'T', monitorIds: [2, 1], showUrls: false },
		});
		expect(readStatusRequest({ title: 'T', tagId: 3, showUrls: true })).toEqual({
			ok: true,
			value: { title: 'T', tagId: 3, showUrls: true },
		});
		expect(readStatusRequest({ title: '', monitorIds: [1] }).ok).toBe(false);
		expect(readStatusRequest({ title: 'T', monitorIds: [] }).ok).toBe(false);
		expect(readStatusRequest({ title: 'T', tagId: -1 }).ok).toBe(false);
	});
});

describe('incidents from state changes', () => {
	const e = (id: number, at: number, to: Outcome, message = '', note: string | null = null) => ({
		id,
		at,
		from: null,
		to,
		message,
		note,
	});
	it('degraded then down is one incident at its worst; up closes it; one still open has no end', () => {
		expect(
			incidents(
				[e(1, 10, 'degraded', 'slow'), e(2, 20, 'down'), e(3, 30, 'up'), e(4, 40, 'down', 'x')],
				(id) => (id === 1 ? 'our note' : null),
			),
		).toEqual([
			{ state: 'down', start: 40, end: null, message: 'x', note: null },
			{ state: 'down', start: 10, end: 30, message: 'slow', note: 'our note' },
		]);
		expect(incidents([e(1, 10, 'up')])).toEqual([]);
		// By default an incident's note is its first state change's own (events.note).
		expect(incidents([e(1, 10, 'down', 'gone', 'DB failover'), e(2, 20, 'up')])).toEqual([
			{ state: 'down', start: 10, end: 20, message: 'gone', note: 'DB failover' },
		]);
	});
});

describe('the renderer', () => {
	it('writes one self-contained page: no script, no URL it would fetch, everything escaped', async () => {
		const { engine, edge } = await seeded();
		const html = renderStatusPage(
			statusSummary(engine, { title: 'Edge & <Co>', tagId: edge.id, showUrls: false }, NOW),
		);
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/\s(src|href|action|srcset|poster|data)=/i);
		expect(html).not.toMatch(/url\(|@import/i);
		expect(html).not.toContain('http://');
		expect(html).toContain('<title>Edge &amp; &lt;Co&gt;</title>');
		expect(html).toContain('Payments &lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('HTTP 503 &lt;b&gt;');
		expect(html).toContain("default-src 'none'");
		expect(html).toContain('1 of 2 degraded');
		expect(html.match(/<section class="monitor"/g)).toHaveLength(2);
		expect(html.match(/<rect /g)!.length).toBe(180);
	});

	it('writes a badge per monitor: "up · 99.98 %"', () => {
		const monitor = {
			key: 3,
			name: 'API "v2" <prod>',
			state: 'up' as const,
			since: null,
			uptime24h: 1,
			uptime90d: 0.99984,
			days: [],
			responseMs: [],
			incidents: [],
		};
		const svg = renderBadge(monitor);
		expect(svg).toContain('>up · 99.98 %</text>');
		expect(svg).toContain('API &quot;v2&quot; &lt;prod&gt;');
		expect(badgeFilename(monitor)).toBe('badge-3-api-v2-prod.svg');
		// A control character (allowed in a name) would make the SVG malformed XML.
		const odd = renderBadge({ ...monitor, name: 'Bell\u0007 and\u001b escape\ttab' });
		expect(odd.match(NOT_XML)).toBeNull();
		expect(odd).toContain('Bell\uFFFD and\uFFFD escape\ttab');
		expect(formatUptime(1)).toBe('100 %');
		expect(formatUptime(0.999999)).toBe('99.99 %');
		expect(formatUptime(null)).toBe('no data');
	});

	it('escapes any text so it cannot open a tag or leave an attribute, and loses nothing but what XML forbids', () => {
		const unescape = (s: string) =>
			s
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&quot;/g, '"')
				.replace(/&#39;/g, "'")
				.replace(/&amp;/g, '&');
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), (text) => {
				const escaped = escapeMarkup(text);
				expect(escaped).not.toMatch(/[<>"']/);
				expect(escaped.match(NOT_XML)).toBeNull();
				expect(unescape(escaped)).toBe(text.replace(NOT_XML, '\uFFFD'));
			}),
		);
	});
});
