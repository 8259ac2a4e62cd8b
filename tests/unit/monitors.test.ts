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
