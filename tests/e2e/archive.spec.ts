import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HARNESS_URL } from '../../playwright.config';

type Row = Record<string, unknown>;

interface Scenario {
	counts: { checks: number; rollups: number };
	blockChecks: number;
	removedBlocks: Row[];
	storedBlocks: number;
	filename: string | null;
	file: string | null;
	removedChecks: Row[];
	removedRollups: Row[];
	keptChecks: Row[];
	storedChecks: Row[];
	storedMinuteRollups: number;
}

/** Stock SQLite's command line, as someone who downloaded the archive would use it. */
function sqlite3(file: string, sql: string): Row[] {
	const out = execFileSync('/usr/bin/sqlite3', ['-json', '-readonly', file, sql], {
		encoding: 'utf8',
	});
	return out.trim() ? (JSON.parse(out) as Row[]) : [];
}

test('archive in Chromium: stock sqlite3 opens the file with exactly the rows that were then removed', async ({
	page,
}) => {
	await page.goto(HARNESS_URL);
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	const s = (await page.evaluate(() =>
		(
			globalThis as unknown as { harness: { archiveScenario(): Promise<unknown> } }
		).harness.archiveScenario(),
	)) as Scenario;

	expect(s.removedChecks).toHaveLength(30);
	expect(s.removedBlocks).toHaveLength(1);
	// A block counts as the checks it holds.
	expect(s.counts).toEqual({ checks: 30 + s.blockChecks, rollups: s.removedRollups.length });
	expect(s.filename).toMatch(/^monitor-archive-\d{4}-\d\d-\d\d-\d{6}\.db$/);

	const dir = mkdtempSync(join(tmpdir(), 'monitor-archive-'));
	try {
		const file = join(dir, s.filename!);
		writeFileSync(file, Buffer.from(s.file!, 'base64'));
		expect(sqlite3(file, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
		expect(
			sqlite3(file, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map(
				(r) => r.name,
			),
		).toEqual(['checks', 'history_blocks', 'rollups']);
		expect(sqlite3(file, 'SELECT * FROM checks ORDER BY id')).toEqual(s.removedChecks);
		expect(
			sqlite3(file, 'SELECT * FROM rollups ORDER BY monitor_id, resolution, bucket_start'),
		).toEqual(s.removedRollups);
		expect(
			sqlite3(
				file,
				'SELECT id, monitor_id, block_start, block_end, checks, hex(body) AS body FROM history_blocks ORDER BY id',
			),
		).toEqual(s.removedBlocks);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}

	// Reopened from IndexedDB: the archived rows are gone for good, every other row is there.
	expect(s.storedChecks).toEqual(s.keptChecks);
	expect(s.storedBlocks).toBe(0);
	expect(s.storedMinuteRollups).toBe(2 * 45 - s.removedRollups.length);
});
