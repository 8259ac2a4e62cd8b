/** Tags on monitors, bulk actions and the list's saved view, with the real sql.js and the real migrations. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { readBulk, readTagIds, validateTagInput } from '../../src/shared/tags';
import { migrate } from '../../src/worker/core/migrations/runner';
import { bulkMonitors } from '../../src/worker/domain/monitors/bulk';
import { getListView, setListView } from '../../src/worker/domain/monitors/list-view';
import {
	createMonitor,
	getMonitor,
	listMonitors,
	updateMonitor,
} from '../../src/worker/domain/monitors/service';
import { createTag, deleteTag, listTags, updateTag } from '../../src/worker/domain/monitors/tags';
import { commitImport } from '../../src/worker/domain/import/session';
import { exportDatabase } from '../../src/worker/domain/transfer';
import { newEngine, realMigrations } from './helpers';
import { inspect, live } from './import-harness';
import { dumpRows } from './schema';

async function db() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	return engine;
}

const input = (name: string, tags?: number[]) => ({
	name,
	url: `http://127.0.0.2:9/${name}`,
	intervalS: 60,
	...(tags ? { tags } : {}),
});

function fieldsOf(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(AppError);
		return (error as AppError).detail?.fields ?? (error as AppError).message;
	}
	throw new Error('did not throw');
}

describe('tag validation', () => {
	it('trims names, lowercases colours and refuses the rest', () => {
		expect(validateTagInput({ name: '  Payments   API ', colour: '#2563EB' })).toEqual({
			ok: true,
			value: { name: 'Payments API', colour: '#2563eb' },
		});
		expect(validateTagInput({ name: ' ', colour: 'red' })).toEqual({
			ok: false,
			errors: { name: 'Give the tag a name.', colour: 'A colour is written #rrggbb.' },
		});
		expect(validateTagInput({ name: 'x'.repeat(41), colour: '#000000' }).ok).toBe(false);
	});

	it('reads tag ids as unique positive integers, at most 20', () => {
		expect(readTagIds([3, 1, 3])).toEqual({ ok: true, ids: [1, 3] });
		expect(readTagIds(undefined)).toEqual({ ok: true, ids: [] });
		expect(readTagIds([1, 'x']).ok).toBe(false);
		expect(readTagIds([0]).ok).toBe(false);
		expect(readTagIds(Array.from({ length: 21 }, (_, i) => i + 1)).ok).toBe(false);
	});

	it('reads bulk calls and refuses unknown actions', () => {
		expect(readBulk([2, 2, 1], { kind: 'pause' })).toEqual({
			ok: true,
			ids: [2, 1],
			action: { kind: 'pause' },
		});
		expect(readBulk([1], { kind: 'tag', tagId: 4 })).toMatchObject({ ok: true });
		expect(readBulk([1], { kind: 'tag' }).ok).toBe(false);
		expect(readBulk([1], { kind: 'drop' }).ok).toBe(false);
		expect(readBulk('1', { kind: 'pause' }).ok).toBe(false);
	});
});

describe('tags', () => {
	it('are created, renamed, recoloured and deleted; names are unique whatever their case', async () => {
		const engine = await db();
		const payments = createTag(engine, { name: 'Payments', colour: '#2563eb' }, 1);
		const critical = createTag(engine, { name: 'critical', colour: '#dc2626' }, 1);
		expect(listTags(engine)).toEqual([critical, payments]);
		const before = dumpRows(engine);
		expect(fieldsOf(() => createTag(engine, { name: 'PAYMENTS', colour: '#000000' }, 2))).toEqual({
			name: 'There is a tag “Payments” already.',
		});
		expect(
			fieldsOf(() => updateTag(engine, critical.id, { name: 'payments', colour: '#000000' })),
		).toEqual({
			name: 'There is a tag “Payments” already.',
		});
		expect(dumpRows(engine)).toEqual(before);
		expect(updateTag(engine, critical.id, { name: 'Critical', colour: '#d97706' })).toEqual({
			id: critical.id,
			name: 'Critical',
			colour: '#d97706',
		});
		// Renaming to its own name in another case is not a clash with itself.
		expect(updateTag(engine, payments.id, { name: 'PAYMENTS', colour: '#2563eb' }).name).toBe(
			'PAYMENTS',
		);
		expect(() => updateTag(engine, 99, { name: 'x', colour: '#000000' })).toThrow(AppError);
	});

	it('many per monitor: set in create and update, kept when an update leaves them out, refused when unknown', async () => {
		const engine = await db();
		const a = createTag(engine, { name: 'A', colour: '#2563eb' }, 1);
		const b = createTag(engine, { name: 'B', colour: '#16a34a' }, 1);
		const m = createMonitor(engine, input('api', [b.id, a.id]), 10);
		expect(m.tags).toEqual([a.id, b.id]);
		expect(updateMonitor(engine, m.id, input('api'), 20).tags).toEqual([a.id, b.id]);
		expect(updateMonitor(engine, m.id, input('api', [b.id]), 30).tags).toEqual([b.id]);

		const before = dumpRows(engine);
		expect(fieldsOf(() => updateMonitor(engine, m.id, input('api', [a.id, 77]), 40))).toEqual({
			tags: 'A tag was deleted meanwhile: choose the tags again.',
		});
		expect(fieldsOf(() => createMonitor(engine, input('web', [77]), 40))).toMatchObject({
			tags: expect.any(String),
		});
		expect(
			fieldsOf(() => createMonitor(engine, input('web', ['x' as unknown as number]), 40)),
		).toEqual({
			tags: 'Tags are a list of tag ids.',
		});
		expect(dumpRows(engine)).toEqual(before);

		// A deleted tag leaves its monitors, nothing else.
		expect(deleteTag(engine, b.id)).toEqual({ deleted: true });
		expect(getMonitor(engine, m.id)).toMatchObject({ name: 'api', tags: [] });
		expect(deleteTag(engine, b.id)).toEqual({ deleted: false });
		expect(listMonitors(engine).map((x) => x.tags)).toEqual([[]]);
	});
});

describe('bulk actions', () => {
	it('tag, untag, pause, resume and delete several monitors; unknown ids are skipped', async () => {
		const engine = await db();
		const tag = createTag(engine, { name: 'Edge', colour: '#7c3aed' }, 1);
		const ids = ['a', 'b', 'c'].map((n) => createMonitor(engine, input(n), 10).id);
		const [a, b, c] = ids as [number, number, number];

		expect(bulkMonitors(engine, [a, b, 999], { kind: 'tag', tagId: tag.id }, 20)).toEqual({
			changed: 2,
		});
		expect(bulkMonitors(engine, [a, b], { kind: 'tag', tagId: tag.id }, 20)).toEqual({
			changed: 0,
		});
		expect(listMonitors(engine).map((m) => [m.name, m.tags])).toEqual([
			['a', [tag.id]],
			['b', [tag.id]],
			['c', []],
		]);
		expect(bulkMonitors(engine, [b, c], { kind: 'untag', tagId: tag.id }, 20)).toEqual({
			changed: 1,
		});

		expect(bulkMonitors(engine, ids, { kind: 'pause' }, 30)).toEqual({ changed: 3 });
		expect(listMonitors(engine).every((m) => !m.enabled)).toBe(true);
		expect(bulkMonitors(engine, [a, c], { kind: 'resume' }, 40)).toEqual({ changed: 2 });
		expect(listMonitors(engine).map((m) => m.enabled)).toEqual([true, false, true]);
		// A resumed monitor is due at once.
		expect(engine.value('SELECT next_due_at FROM monitor_status WHERE monitor_id = ?', [a])).toBe(
			40,
		);

		const before = dumpRows(engine);
		expect(() => bulkMonitors(engine, ids, { kind: 'tag', tagId: 42 }, 50)).toThrow(AppError);
		expect(dumpRows(engine)).toEqual(before);

		expect(bulkMonitors(engine, [a, b, 999], { kind: 'delete' }, 60)).toEqual({ changed: 2 });
		expect(listMonitors(engine).map((m) => m.name)).toEqual(['c']);
		expect(engine.value('SELECT count(*) FROM monitor_tags')).toBe(0);
	});
});

describe('the list view setting', () => {
	it('keeps a query string and refuses anything else, unchanged', async () => {
		const engine = await db();
		expect(getListView(engine)).toBeNull();
		expect(setListView(engine, 'q=api&sort=uptime', 5)).toBe('q=api&sort=uptime');
		expect(getListView(engine)).toBe('q=api&sort=uptime');
		expect(() => setListView(engine, 42, 6)).toThrow(AppError);
		expect(() => setListView(engine, 'x'.repeat(2001), 6)).toThrow(AppError);
		expect(getListView(engine)).toBe('q=api&sort=uptime');
	});
});

describe('export and import', () => {
	it('carry tags: a file with tags passes the import checks and arrives with them', async () => {
		const from = await live();
		await from.db.write(() => {
			const tag = createTag(from.db.engine, { name: 'Payments', colour: '#2563eb' }, 1);
			createMonitor(from.db.engine, input('checkout', [tag.id]), 10);
		});
		const file = await exportDatabase(from.db, 100);

		const to = await live();
		const preview = await inspect(to.db, { bytes: file.bytes, name: file.filename });
		await commitImport(to.db, { token: preview.token });
		expect(listTags(to.db.engine)).toEqual([{ id: 1, name: 'Payments', colour: '#2563eb' }]);
		expect(listMonitors(to.db.engine).find((m) => m.name === 'checkout')?.tags).toEqual([1]);
	});
});
