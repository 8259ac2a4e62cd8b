import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { formatInterval, validateMonitorInput } from '../../src/shared/monitors';
import {
	createMonitor,
	deleteMonitor,
	getMonitor,
	listMonitors,
	updateMonitor,
} from '../../src/worker/domain/monitors/service';
import { migrate } from '../../src/worker/core/migrations/runner';
import { newEngine, realMigrations } from './helpers';

async function db() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	return engine;
}

const good = { name: 'API', url: 'http://127.0.0.2:9/api/health', intervalS: 60 };

describe('monitor validation', () => {
	it('accepts a good monitor and fills in defaults', () => {
		expect(validateMonitorInput(good)).toEqual({
			ok: true,
			value: {
				...good,
				method: 'GET',
				timeoutMs: 10_000,
				enabled: true,
				mode: 'full',
				retries: 0,
				conditions: {},
				headers: {},
				body: null,
			},
		});
	});

	it.each([
		[{ ...good, name: '  ' }, 'name'],
		[{ ...good, url: 'ftp://127.0.0.2/' }, 'url'],
		[{ ...good, url: 'javascript:alert(1)' }, 'url'],
		[{ ...good, url: 'not a url' }, 'url'],
		[{ ...good, intervalS: 9 }, 'intervalS'],
		[{ ...good, intervalS: 86_401 }, 'intervalS'],
		[{ ...good, intervalS: 12.5 }, 'intervalS'],
		[{ ...good, method: 'DELETE' }, 'method'],
		[{ ...good, timeoutMs: 50 }, 'timeoutMs'],
	])('rejects %o on %s, with a sentence for that field', (input, field) => {
		const result = validateMonitorInput(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(Object.keys(result.errors)).toEqual([field]);
	});

	it('accepts a body with POST, PUT and PATCH in full mode, and refuses it where it cannot be sent', () => {
		const json = { contentType: 'application/json', text: '{"status":"open"}' };
		for (const method of ['POST', 'PUT', 'PATCH'] as const) {
			const result = validateMonitorInput({ ...good, method, body: json });
			expect(result.ok && result.value.body).toEqual(json);
		}
		const problem = (input: object) => {
			const result = validateMonitorInput({ ...good, ...input });
			return result.ok ? null : result.errors.body;
		};
		expect(problem({ method: 'GET', body: json })).toBe(
			'A GET request sends no body: use POST, PUT or PATCH.',
		);
		expect(problem({ method: 'POST', mode: 'reachability', body: json })).toMatch(
			/^Reachability mode sends no body/,
		);
		// A JSON body must parse, and the message says where it breaks.
		expect(
			problem({ method: 'POST', body: { contentType: 'application/json', text: '{"a": }' } }),
		).toMatch(
			/^The body is not valid JSON \(Unexpected token .*\)\. Fix it, or choose another content type\.$/,
		);
		// The text itself is in the field already; the message does not repeat it.
		expect(
			problem({ method: 'POST', body: { contentType: 'application/json', text: '{"a": }' } }),
		).not.toContain('{"a": }');
		expect(
			problem({
				method: 'POST',
				body: { contentType: 'application/vnd.api+json; charset=utf-8', text: 'nope' },
			}),
		).toMatch(/^The body is not valid JSON/);
		// Another content type sends the text as it is.
		expect(problem({ method: 'PUT', body: { contentType: 'text/plain', text: '{"a": }' } })).toBe(
			null,
		);
		expect(problem({ method: 'POST', body: { contentType: 'json please', text: 'x' } })).toMatch(
			/^The content type is a media type/,
		);
		expect(problem({ method: 'POST', body: 'raw text' })).toBe('The body has the wrong form.');
		expect(
			problem({ method: 'POST', body: { contentType: 'text/plain', text: 'x'.repeat(65_537) } }),
		).toBe('Keep the body under 64 KiB.');
		// An empty body is no body.
		const empty = validateMonitorInput({ ...good, body: { contentType: 'text/plain', text: '' } });
		expect(empty.ok && empty.value.body).toBeNull();
	});

	it('accepts the interval bounds exactly', () => {
		expect(validateMonitorInput({ ...good, intervalS: 10 }).ok).toBe(true);
		expect(validateMonitorInput({ ...good, intervalS: 86_400 }).ok).toBe(true);
	});

	it('formats intervals the way people say them', () => {
		expect([10, 90, 300, 3600, 5400, 86_400].map(formatInterval)).toEqual([
			'10 s',
			'1 min 30 s',
			'5 min',
			'1 h',
			'1 h 30 min',
			'1 day',
		]);
	});
});

describe('monitor rows', () => {
	it('creates, reads, updates and deletes', async () => {
		const engine = await db();
		const created = createMonitor(engine, good, 1000);
		expect(created).toMatchObject({
			...good,
			method: 'GET',
			enabled: true,
			createdAt: 1000,
			updatedAt: 1000,
		});
		const updated = updateMonitor(
			engine,
			created.id,
			{ ...good, name: 'Renamed', intervalS: 30 },
			2000,
		);
		expect(updated).toMatchObject({
			name: 'Renamed',
			intervalS: 30,
			createdAt: 1000,
			updatedAt: 2000,
		});
		expect(listMonitors(engine)).toEqual([updated]);
		expect(deleteMonitor(engine, created.id)).toEqual({ deleted: true });
		expect(deleteMonitor(engine, created.id)).toEqual({ deleted: false });
		expect(() => getMonitor(engine, created.id)).toThrow(AppError);
	});

	it('refuses invalid input with field errors and changes nothing', async () => {
		const engine = await db();
		const before = engine.db.export();
		try {
			createMonitor(engine, { ...good, url: 'file:///etc/passwd' }, 1);
			expect.unreachable();
		} catch (error) {
			expect(error).toMatchObject({
				code: 'invalid-input',
				detail: { fields: { url: expect.any(String) } },
			});
		}
		expect(engine.db.export()).toEqual(before);
	});

	it('lets the schema refuse what validation would have (CHECK constraints are the last line)', async () => {
		const engine = await db();
		expect(() =>
			engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES ('x', 'gopher://x', 5, 1000, 1, 1)`,
			),
		).toThrow(/CHECK constraint failed/);
	});

	it('lists by name, case-insensitively', async () => {
		const engine = await db();
		for (const name of ['beta', 'Alpha', 'gamma']) createMonitor(engine, { ...good, name }, 1);
		expect(listMonitors(engine).map((m) => m.name)).toEqual(['Alpha', 'beta', 'gamma']);
	});
});

describe('conditions that cannot be read (issue 19, item 14)', () => {
	it.each([
		['a JSON string', '{"keyword":{"text":"ok"}}'],
		['an array', [{ statusCodes: '200' }]],
		['a keyword that is not an object', { keyword: 'ok' }],
		['a threshold that is text', { maxResponseMs: '500' }],
		['an unknown JSON operator', { json: { path: 'status', operator: '~=', value: 'ok' } }],
	])('refuses %s as conditions, with a message', (_, conditions) => {
		const result = validateMonitorInput({ ...good, conditions });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.conditions).toMatch(/conditions/);
	});

	it.each([
		['not JSON', '{"keyword": {"text": "ok"'],
		['not an object', '[1, 2]'],
		['a keyword without text', '{"keyword": {"present": true}}'],
	])(
		'a stored monitor whose conditions are %s says why, instead of checking with none',
		async (_, text) => {
			const e = await db();
			const { id } = createMonitor(e, good, 1);
			e.exec('PRAGMA ignore_check_constraints = ON');
			e.run('UPDATE monitors SET conditions = ? WHERE id = ?', [text, id]);
			const before = e.value('SELECT conditions FROM monitors');
			expect(getMonitor(e, id).conditionsError).toMatch(/The conditions/);
			expect(listMonitors(e)[0]!.conditionsError).toMatch(/The conditions/);
			// Read, never rewritten behind the person's back.
			expect(e.value('SELECT conditions FROM monitors')).toBe(before);
		},
	);
});
