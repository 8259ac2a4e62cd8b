import { describe, expect, it } from 'vitest';
import {
	backupReminder,
	LAST_EXPORT_KEY,
	parseEpochMs,
	REMIND_AFTER_DAYS,
	type ReminderInput,
} from '../../src/shared/backup-reminder';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { loadSql, realMigrations } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 26, 12);

const input = (over: Partial<ReminderInput>): ReminderInput => ({
	now: NOW,
	lastExportAt: null,
	since: NOW - 30 * DAY,
	hasData: true,
	evicts: false,
	snoozedUntil: null,
	...over,
});

describe('backup reminder', () => {
	it('stays quiet while an export is younger than 14 days, and speaks up after', () => {
		expect(backupReminder(input({ lastExportAt: NOW - 13.9 * DAY }))).toBeNull();
		expect(backupReminder(input({ lastExportAt: NOW - REMIND_AFTER_DAYS * DAY }))).toBe('overdue');
	});

	it('counts from the database’s first day when there was never an export', () => {
		expect(backupReminder(input({ since: NOW - 2 * DAY }))).toBeNull();
		expect(backupReminder(input({ since: NOW - 15 * DAY }))).toBe('overdue');
		expect(backupReminder(input({ since: null }))).toBe('overdue');
	});

	it('says nothing about an empty database', () => {
		expect(backupReminder(input({ hasData: false, since: NOW - 100 * DAY }))).toBeNull();
	});

	it('reminds at once on a browser that deletes unused site data, then daily', () => {
		expect(backupReminder(input({ evicts: true, since: NOW }))).toBe('evicts');
		expect(backupReminder(input({ evicts: true, lastExportAt: NOW - 2 * 3600_000 }))).toBeNull();
		expect(backupReminder(input({ evicts: true, lastExportAt: NOW - 1.5 * DAY }))).toBe('evicts');
	});

	it('keeps quiet while snoozed', () => {
		const overdue = { lastExportAt: NOW - 40 * DAY };
		expect(backupReminder(input({ ...overdue, snoozedUntil: NOW + 1 }))).toBeNull();
		expect(backupReminder(input({ ...overdue, snoozedUntil: NOW }))).toBe('overdue');
	});

	it('reads only a positive integer of epoch milliseconds', () => {
		expect(parseEpochMs('1764158400000')).toBe(1764158400000);
		expect(parseEpochMs(1764158400000)).toBe(1764158400000);
		for (const bad of [null, undefined, '', 'soon', '-5', '0', '1.5', {}]) {
			expect(parseEpochMs(bad)).toBeNull();
		}
	});
});

describe('database status: last export', () => {
	it('is null until the export records `last_export_at`, then its time', async () => {
		const db = await LiveDatabase.open({
			SQL: await loadSql(),
			store: new MemoryImageStore(),
			files: await realMigrations(),
			writerId: 'test',
		});
		expect(db.status().lastExportAt).toBeNull();
		await db.write(() =>
			db.engine.run('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)', [
				LAST_EXPORT_KEY,
				String(NOW),
				NOW,
			]),
		);
		expect(db.status().lastExportAt).toBe(NOW);
	});
});
