/**
 * An imported file's compacted history is checked block by block before it can be committed: a block with
 * bad lengths, a decompression bomb, a corrupt stream or counts that do not add up is refused with a clear
 * message, the waiting import is dropped, and the live database, its stored image and its backups are
 * exactly as before. A sound file with blocks passes. Fixtures: tests/fixtures/import-history/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { generateInto } from '../../src/cli/commands/generate-history';
import { nodeCompression } from '../../src/cli/history-compression';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import {
	commitImport,
	inspectImport,
	verifyImportHistory,
} from '../../src/worker/domain/import/session';
import { loadSql, realMigrations, sha256 } from './helpers';
import { migrated } from './history-store';
import { inlineCheck } from './import-harness';

const FIXTURES = join(import.meta.dirname, '../fixtures/import-history');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<
	string,
	{ code: string; says: string }
>;

async function live() {
	const store = new MemoryImageStore();
	const backups = new MemoryBackupStore();
	const db = await LiveDatabase.open({
		SQL: await loadSql(),
		store,
		backups,
		files: await realMigrations(),
		writerId: 'test',
		chunkSize: 4096,
	});
	await db.write(() =>
		db.engine.run(
			`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
			 VALUES ('Kept', 'http://127.0.0.2:9/', 60, 1000, 5, 7)`,
		),
	);
	const fingerprint = async () => {
		const stored = await store.load();
		return [
			sha256(db.engine.db.export()),
			stored ? sha256(stored.image) : 'none',
			store.commits,
			JSON.stringify(await backups.list()),
		].join('|');
	};
	return { db, fingerprint };
}

describe('importing compacted history', () => {
	for (const [name, outcome] of Object.entries(expected)) {
		it(`${name}: refused with ${outcome.code}, nothing changed`, async () => {
			const { db, fingerprint } = await live();
			const before = await fingerprint();
			const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
			const preview = await inspectImport(db, { bytes, name }, inlineCheck());
			const error = await verifyImportHistory(db, preview.token, nodeCompression).then(
				() => null,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(AppError);
			expect((error as AppError).code).toBe(outcome.code);
			expect((error as AppError).message).toContain(outcome.says);
			// The import was dropped: it cannot be committed after all.
			await expect(commitImport(db, { token: preview.token })).rejects.toMatchObject({
				code: 'import-expired',
			});
			expect(await fingerprint()).toBe(before);
		});
	}

	it('a sound file with blocks passes and can be committed', async () => {
		const engine = await migrated();
		await generateInto(engine, {
			monitors: 2,
			intervalS: 60,
			days: 2,
			seed: 3,
			to: Date.UTC(2026, 0, 3),
		});
		const blocks = Number(engine.value('SELECT count(*) FROM history_blocks'));
		expect(blocks).toBeGreaterThan(4);
		const { db } = await live();
		const preview = await inspectImport(
			db,
			{ bytes: engine.db.export(), name: 'sound.db' },
			inlineCheck(),
		);
		await verifyImportHistory(db, preview.token, nodeCompression);
		await commitImport(db, { token: preview.token });
		expect(db.engine.value('SELECT count(*) FROM history_blocks')).toBe(blocks);
	});
});
