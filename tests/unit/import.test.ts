/**
 * Import and export against the live database in Node with the real sql.js: every file of the bad
 * corpus is refused with its own message and leaves the live database, its storage and its backups
 * exactly as they were; a good file is previewed, then swapped in only when committed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DbClient, type Endpoint } from '../../src/client/db-client';
import { checkImportSize } from '../../src/client/files';
import type { FromWorker, ToWorker } from '../../src/shared/api';
import { AppError } from '../../src/shared/errors';
import {
	exportFilename,
	INTEGRITY_CHECK_MAX_BYTES,
	MAX_IMPORT_BYTES,
	cleanFilename,
} from '../../src/shared/transfer';
import { loadBackup } from '../../src/worker/core/backups/backups';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { exportDatabase, recordExport } from '../../src/worker/domain/transfer';
import { cancelImport, commitImport } from '../../src/worker/domain/import/session';
import { sniff } from '../../src/worker/domain/import/sniff';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { transferables } from '../../src/worker/runtime/transferables';
import {
	behindIndex,
	expectedOutcomes,
	FIXTURES,
	healthyEngine,
	healthyImage,
	newerAppImage,
} from '../fixtures/import/build';
import { loadSql, newEngine, readMigrationSources, realMigrations, sha256 } from './helpers';
import { fingerprint, inlineCheck, inspect, live, refused } from './import-harness';

let newer: Uint8Array;
beforeAll(async () => {
	newer = await newerAppImage();
});

function caught(fn: () => unknown): AppError {
	try {
		fn();
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected an AppError');
}

const file = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const names = (db: LiveDatabase) =>
	db.engine.all<{ name: string }>('SELECT name FROM monitors ORDER BY name').map((r) => r.name);

describe('a bad file is refused with its own message, and nothing changes', () => {
	const expected = expectedOutcomes();

	it('the corpus lists every committed fixture', () => {
		const onDisk = readdirSync(FIXTURES).filter((f) => !/\.(ts|json|md)$/.test(f));
		expect(Object.keys(expected).sort()).toEqual(onDisk.sort());
	});

	for (const [name, outcome] of Object.entries(expected)) {
		it(`${name}: ${outcome.code}`, async () => {
			const h = await live();
			const before = await fingerprint(h);
			const error = await refused(inspect(h.db, { bytes: file(name), name }));
			expect(error.code).toBe(outcome.code);
			expect(error.message).toContain(outcome.says);
			expect(await fingerprint(h)).toBe(before);
			expect(names(h.db)).toEqual(['Kept one', 'Kept two']);
			expect(h.progress.at(-1)).toEqual({ task: null, step: '', fraction: null });
		});
	}

	it('the messages differ from one another', () => {
		const says = Object.values(expected).map((o) => o.says);
		expect(new Set(says).size).toBe(says.length);
	});

	it('a file from a newer app', async () => {
		const h = await live();
		const before = await fingerprint(h);
		const error = await refused(inspect(h.db, { bytes: newer, name: 'x.db' }));
		expect(error.code).toBe('import-newer-than-app');
		expect(error.message).toMatch(
			/made by a newer version of Monitor \(schema version \d+; this app knows \d+\)/,
		);
		expect(await fingerprint(h)).toBe(before);
	});

	it('one byte over the limit is refused before anything is read; the limit itself is not', async () => {
		const over = new Uint8Array(MAX_IMPORT_BYTES + 1);
		expect(caught(() => sniff(over)).code).toBe('import-too-large');
		expect(caught(() => checkImportSize(MAX_IMPORT_BYTES + 1)).code).toBe('import-too-large');
		expect(() => checkImportSize(MAX_IMPORT_BYTES)).not.toThrow();
		expect(caught(() => checkImportSize(0)).code).toBe('import-empty');
		const h = await live();
		const before = await fingerprint(h);
		expect((await refused(inspect(h.db, { bytes: over, name: 'big.db' }))).message).toContain(
			'larger than the 200 MiB',
		);
		expect(await fingerprint(h)).toBe(before);
	});

	it('rows that point at missing rows', async () => {
		const engine = await healthyEngine();
		engine.exec('PRAGMA foreign_keys = OFF');
		engine.run(
			"INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, mode) VALUES (999, 1, 1, 1, 'up', 'full')",
		);
		const bytes = engine.db.export();
		const h = await live();
		const error = await refused(inspect(h.db, { bytes, name: 'orphans.db' }));
		expect(error.code).toBe('import-corrupt');
		expect(error.message).toContain('1 rows of checks point at rows that do not exist');
	});

	it('a schema version that disagrees with the ledger', async () => {
		const engine = await healthyEngine();
		engine.exec('PRAGMA user_version = 1');
		const h = await live();
		const error = await refused(inspect(h.db, { bytes: engine.db.export(), name: 'odd.db' }));
		expect(error.code).toBe('import-schema-mismatch');
		expect(error.message).toContain('says it is at schema version 1');
	});

	it('damage only the full integrity_check finds (an index that disagrees with its table)', async () => {
		// The index rebuilt from another column, then given its own definition back: as many entries as
		// rows, so quick_check (which counts them) sees nothing.
		const bytes = await behindIndex(
			await healthyImage(),
			'monitors_name',
			(definition) => definition.replace('name COLLATE NOCASE', 'url'),
			'REINDEX monitors_name',
		);
		const scratch = await newEngine(bytes);
		expect(scratch.value('PRAGMA quick_check')).toBe('ok');
		expect(scratch.value('PRAGMA integrity_check')).not.toBe('ok');
		const h = await live();
		const error = await refused(inspect(h.db, { bytes, name: 'index.db' }));
		expect(error.code).toBe('import-corrupt');
		expect(error.message).toContain('integrity_check found');
	});
});

describe('a good file', () => {
	it('is previewed side by side, migrated on a scratch copy, and changes nothing until committed', async () => {
		const h = await live();
		const before = await fingerprint(h);
		const preview = await inspect(h.db, { bytes: file('../schema/v001.db'), name: 'v001.db' });
		expect(preview.current).toMatchObject({
			schemaVersion: (await realMigrations()).length,
			monitorCount: 2,
			newestActivity: 7,
		});
		expect(preview.incoming).toMatchObject({
			filename: 'v001.db',
			sizeBytes: 36864,
			schemaVersion: 1,
			monitorCount: 3,
			check: 'integrity_check',
			warnings: [],
		});
		expect(preview.incoming.migrations).toEqual(
			(await realMigrations()).slice(1).map((m) => m.filename),
		);
		expect(preview.appSchemaVersion).toBe((await realMigrations()).length);
		expect(h.progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['check', 'migrate']));
		expect(await fingerprint(h)).toBe(before);

		h.changed.length = 0;
		const { safety, imported } = await commitImport(h.db, { token: preview.token });
		expect(imported.filename).toBe('v001.db');
		expect(names(h.db)).toEqual(['API health', 'Homepage', 'Webhook']);
		expect(h.db.engine.value('PRAGMA user_version')).toBe(preview.appSchemaVersion);
		expect(safety).toMatchObject({
			reason: 'before-import',
			detail: 'of v001.db',
			monitorCount: 2,
		});
		const { image } = await loadBackup(h.backups, safety.id);
		expect(sha256(image)).toBe(before.split('|')[0]);
		const stored = await h.store.load();
		expect(sha256(stored!.image)).toBe(sha256(h.db.engine.db.export()));
		expect(h.changed.at(-1)).toEqual(expect.arrayContaining(['checks', 'monitors', 'settings']));
		expect(h.progress.some((p) => p.task === 'import' && p.stage === 'save')).toBe(true);
		// The token was used up.
		await expect(commitImport(h.db, { token: preview.token })).rejects.toMatchObject({
			code: 'import-expired',
		});
	});

	it('a cancelled or replaced import cannot be committed', async () => {
		const h = await live();
		const bytes = () => file('../schema/v003.db');
		const first = await inspect(h.db, { bytes: bytes(), name: 'a.db' });
		const second = await inspect(h.db, { bytes: bytes(), name: 'b.db' });
		await expect(commitImport(h.db, { token: first.token })).rejects.toMatchObject({
			code: 'import-expired',
		});
		cancelImport(h.db, { token: second.token });
		const before = await fingerprint(h);
		await expect(commitImport(h.db, { token: second.token })).rejects.toMatchObject({
			code: 'import-expired',
		});
		expect(await fingerprint(h)).toBe(before);
	});

	it('an import replaces a read-only database (one a newer app wrote): the way out', async () => {
		// A newer build (one migration more) writes the stored database; this build then opens it read-only.
		const store = new MemoryImageStore();
		const sources = readMigrationSources();
		const next = String(Object.keys(sources).length + 1).padStart(3, '0');
		await LiveDatabase.open({
			SQL: await loadSql(),
			store,
			files: await parseMigrations({
				...sources,
				[`/migrations/${next}_later.sql`]: 'CREATE TABLE later (id INTEGER PRIMARY KEY);',
			}),
			writerId: 'newer',
		});
		const h = await live(store);
		expect(h.db.readOnly?.code).toBe('db-newer-than-app');
		const preview = await inspect(h.db, { bytes: file('../schema/v003.db'), name: 'v003.db' });
		const { safety } = await commitImport(h.db, { token: preview.token });
		expect(h.db.readOnly).toBeNull();
		expect(safety.schemaVersion).toBe(Number(next));
		expect(names(h.db)).toEqual(['API health', 'Homepage', 'Webhook']);
	});

	it('a file in WAL mode gets a warning about its -wal file', async () => {
		const bytes = file('../schema/v003.db');
		bytes[18] = 2;
		bytes[19] = 2;
		const h = await live();
		const preview = await inspect(h.db, { bytes, name: 'wal.db' });
		expect(preview.incoming.warnings[0]).toMatch(/WAL mode/);
		await commitImport(h.db, { token: preview.token });
		// Stored in rollback-journal form, as every export.
		const stored = await h.store.load();
		expect([stored!.image[18], stored!.image[19]]).toEqual([1, 1]);
	});

	it(`above ${INTEGRITY_CHECK_MAX_BYTES / 1048576} MiB the faster quick_check is used`, async () => {
		const given: number[] = [];
		const h = await live();
		const preview = await inspect(
			h.db,
			{ bytes: await healthyImage(), name: 'big.db' },
			(image, o) => {
				given.push(o.integrityCheckMaxBytes);
				// The threshold as if the file were above it (tests/unit/import-untrusted.test.ts: what then).
				return inlineCheck({ integrityCheckMaxBytes: image.length - 1 })(image, o);
			},
		);
		expect(given).toEqual([INTEGRITY_CHECK_MAX_BYTES]);
		expect(preview.incoming.check).toBe('quick_check');
		cancelImport(h.db, { token: preview.token });
	});
});

describe('export', () => {
	it('is the live database as a plain rollback-journal SQLite file, named by the day', async () => {
		const h = await live();
		const at = new Date(2026, 10, 26, 23, 59).getTime();
		const file = await exportDatabase(h.db, at);
		expect(file.filename).toBe('monitor-2026-11-26.db');
		expect(exportFilename(new Date(2027, 0, 2, 0, 1).getTime())).toBe('monitor-2027-01-02.db');
		expect(file.takenAt).toBe(at);
		expect([file.bytes[18], file.bytes[19]]).toEqual([1, 1]);
		expect(transferables({ kind: 'reply', id: 1, ok: true, value: file })).toEqual([
			file.bytes.buffer,
		]);
		const copy = await newEngine(file.bytes);
		expect(copy.value('PRAGMA integrity_check')).toBe('ok');
		expect(copy.all('SELECT name FROM monitors ORDER BY name')).toEqual([
			{ name: 'Kept one' },
			{ name: 'Kept two' },
		]);
	});

	it('records the newest export time and refuses nonsense', async () => {
		const h = await live();
		const now = 1_800_000_000_000;
		await h.db.write(() => recordExport(h.db.engine, now - 10, now));
		await h.db.write(() => recordExport(h.db.engine, now - 500, now));
		expect(h.db.status().lastExportAt).toBe(now - 10);
		for (const at of [0, -1, 1.5, 'soon', now + 3_600_000]) {
			await expect(h.db.write(() => recordExport(h.db.engine, at, now))).rejects.toMatchObject({
				code: 'invalid-input',
			});
		}
	});
});

describe('the wire', () => {
	it('callTransfer hands buffers over; call copies', () => {
		const posted: { message: ToWorker; transfer?: Transferable[] }[] = [];
		const endpoint: Endpoint = {
			postMessage: (message, transfer) => posted.push({ message, transfer }),
			addEventListener: () => {},
		};
		const client = new DbClient(endpoint);
		const bytes = new Uint8Array(8);
		void client.callTransfer('import.inspect', { bytes, name: 'a.db' }, [bytes.buffer]);
		void client.call('monitors.list');
		expect(posted[0]!.transfer).toEqual([bytes.buffer]);
		expect(posted[1]!.transfer).toEqual([]);
	});

	it('only a whole buffer of a successful reply is transferred', () => {
		const whole = new Uint8Array(4);
		const part = new Uint8Array(new ArrayBuffer(8), 2, 4);
		const reply = (value: unknown): FromWorker => ({ kind: 'reply', id: 1, ok: true, value });
		expect(transferables(reply({ bytes: whole }))).toEqual([whole.buffer]);
		expect(transferables(reply({ bytes: part }))).toEqual([]);
		expect(transferables(reply([1, 2]))).toEqual([]);
		expect(transferables(reply(null))).toEqual([]);
	});

	it('file names from elsewhere are cleaned of control and direction characters', () => {
		expect(cleanFilename('monitor\u202egpj.db')).toBe('monitorgpj.db');
		expect(cleanFilename('a\nb\u0000.db')).toBe('ab.db');
		expect(cleanFilename('')).toBe('unnamed file');
		expect(cleanFilename('x'.repeat(500))).toHaveLength(118);
	});
});

describe('the limit in words', () => {
	it('the catalogue names the same limit as the constant', async () => {
		const { ERROR_CATALOGUE } = await import('../../src/shared/errors');
		const { formatBytes } = await import('../../src/shared/format');
		expect(ERROR_CATALOGUE['import-too-large']).toContain(`${formatBytes(MAX_IMPORT_BYTES)} `);
	});
});
