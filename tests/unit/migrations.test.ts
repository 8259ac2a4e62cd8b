import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import {
	APPLICATION_ID,
	inspect,
	migrate,
	readLedger,
} from '../../src/worker/core/migrations/runner';
import { sha256Hex } from '../../src/worker/core/migrations/files';
import { migrationsOf, newEngine, readMigrationSources, realMigrations, sha256 } from './helpers';

const V1 = {
	'001_init.sql': `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);`,
};
const V2 = {
	...V1,
	'002_add_price.sql': `ALTER TABLE items ADD COLUMN price INTEGER NOT NULL DEFAULT 0;`,
};

function codeOf(fn: () => unknown): string {
	try {
		fn();
	} catch (error) {
		if (error instanceof AppError) return error.code;
		throw error;
	}
	throw new Error('expected an AppError');
}

describe('migration runner', () => {
	it('creates a fresh database from the real migrations, with ledger, version and application id', async () => {
		const engine = await newEngine();
		const files = await realMigrations();
		const applied = migrate(engine, files);

		expect(applied.map((a) => a.filename)).toEqual(files.map((f) => f.filename));
		expect(engine.value('PRAGMA user_version')).toBe(files.length);
		expect(engine.value('PRAGMA application_id')).toBe(APPLICATION_ID);
		const tables = engine.all<{ name: string }>(
			"SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
		);
		expect(tables.map((t) => t.name)).toEqual(
			expect.arrayContaining(['_migrations', 'app_log', 'monitors', 'settings']),
		);

		const ledger = readLedger(engine);
		// The checksum covers the text before the down section: the file as released, before it had one.
		const source = readMigrationSources()['/migrations/001_init.sql']!;
		const released = source.slice(0, source.indexOf('\n\n-- migrate:down\n') + 1);
		expect(ledger[0]).toMatchObject({
			id: 1,
			filename: '001_init.sql',
			checksum: await sha256Hex(released),
		});
		expect(ledger[0]!.duration_ms).toBeGreaterThanOrEqual(0);
		expect(inspect(engine, files).verdict).toBe('up-to-date');
	});

	it('upgrades incrementally, applying only the new file and keeping the data', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(V1));
		engine.run('INSERT INTO items (name) VALUES (?)', ['kept']);

		const v2 = await migrationsOf(V2);
		expect(inspect(engine, v2).verdict).toBe('pending');
		const applied = migrate(engine, v2);

		expect(applied.map((a) => a.filename)).toEqual(['002_add_price.sql']);
		expect(engine.all('SELECT name, price FROM items')).toEqual([{ name: 'kept', price: 0 }]);
		expect(engine.value('PRAGMA user_version')).toBe(2);
		expect(readLedger(engine).map((r) => r.filename)).toEqual([
			'001_init.sql',
			'002_add_price.sql',
		]);
	});

	it('rolls a failing migration back and leaves the database byte-identical at the previous version', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(V1));
		engine.run('INSERT INTO items (name) VALUES (?)', ['precious']);
		const before = sha256(engine.db.export());

		const broken = await migrationsOf({
			...V1,
			// The first statement succeeds, the second fails: the whole file must roll back.
			'002_broken.sql': `ALTER TABLE items ADD COLUMN note TEXT;\nINSERT INTO no_such_table VALUES (1);`,
		});
		let caught: unknown;
		try {
			migrate(engine, broken);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(AppError);
		const error = caught as AppError;
		expect(error.code).toBe('migration-failed');
		expect(error.message).toContain('002_broken.sql');
		expect(error.message).toContain('no such table: no_such_table');
		expect(error.detail).toMatchObject({ filename: '002_broken.sql' });

		expect(sha256(engine.db.export())).toBe(before);
		expect(engine.value('PRAGMA user_version')).toBe(1);
		expect(engine.value('PRAGMA foreign_keys')).toBe(1);
	});

	it('stops at the failing file: later files are not applied', async () => {
		const engine = await newEngine();
		const files = await migrationsOf({
			...V1,
			'002_broken.sql': 'THIS IS NOT SQL;',
			'003_after.sql': 'CREATE TABLE after_broken (id INTEGER);',
		});
		expect(codeOf(() => migrate(engine, files))).toBe('migration-failed');
		expect(engine.value("SELECT count(*) FROM sqlite_schema WHERE name = 'after_broken'")).toBe(0);
		expect(engine.value('PRAGMA user_version')).toBe(1);
	});

	it('reports a changed checksum of an applied file and refuses to migrate', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(V1));
		const edited = await migrationsOf({
			'001_init.sql': `${V1['001_init.sql']}\n-- edited after release\n`,
		});

		const report = inspect(engine, edited);
		expect(report.verdict).toBe('mismatch');
		expect(report.entries[0]).toMatchObject({ filename: '001_init.sql', state: 'changed' });
		expect(codeOf(() => migrate(engine, edited))).toBe('migration-checksum-mismatch');
	});

	it('recognises a database from a newer app and refuses to migrate it', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(V2));
		const older = await migrationsOf(V1);

		const report = inspect(engine, older);
		expect(report.verdict).toBe('newer');
		expect(report.entries.map((e) => e.state)).toEqual(['applied', 'unknown']);
		expect(report.dbSchemaVersion).toBe(2);
		expect(report.appSchemaVersion).toBe(1);
		expect(codeOf(() => migrate(engine, older))).toBe('db-newer-than-app');
	});

	it('rebuilds a parent table under foreign keys without losing a single child row', async () => {
		const engine = await newEngine();
		expect(engine.value('PRAGMA foreign_keys')).toBe(1);
		migrate(
			engine,
			await migrationsOf({
				'001_init.sql': `
					CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
					CREATE TABLE child (id INTEGER PRIMARY KEY,
						parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);`,
			}),
		);
		engine.transaction(() => {
			for (let p = 1; p <= 3; p++) {
				engine.run('INSERT INTO parent (id, name) VALUES (?, ?)', [p, `p${p}`]);
				for (let c = 0; c < 5; c++) engine.run('INSERT INTO child (parent_id) VALUES (?)', [p]);
			}
		});

		// SQLite's 12-step rebuild: with foreign keys on inside the transaction, DROP TABLE parent
		// would cascade-delete every child row and commit without a word.
		migrate(
			engine,
			await migrationsOf({
				'001_init.sql': `
					CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
					CREATE TABLE child (id INTEGER PRIMARY KEY,
						parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);`,
				'002_rebuild_parent.sql': `
					CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
					INSERT INTO parent_new (id, name) SELECT id, coalesce(name, '') FROM parent;
					DROP TABLE parent;
					ALTER TABLE parent_new RENAME TO parent;`,
			}),
		);

		expect(engine.value('SELECT count(*) FROM child')).toBe(15);
		expect(engine.all('PRAGMA foreign_key_check')).toEqual([]);
		expect(engine.value('PRAGMA foreign_keys')).toBe(1);
	});

	it('fails a migration that leaves foreign key violations behind', async () => {
		const engine = await newEngine();
		const files = await migrationsOf({
			'001_init.sql': `
				CREATE TABLE parent (id INTEGER PRIMARY KEY);
				CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));
				INSERT INTO child (parent_id) VALUES (42);`,
		});
		let caught: unknown;
		try {
			migrate(engine, files);
		} catch (error) {
			caught = error;
		}
		expect((caught as AppError).code).toBe('migration-failed');
		expect((caught as AppError).message).toContain('foreign key violation');
		expect(engine.value("SELECT count(*) FROM sqlite_schema WHERE name = 'child'")).toBe(0);
	});
});

describe('migration files', () => {
	it('rejects a gap in the numbering', async () => {
		await expect(migrationsOf({ ...V1, '003_skipped.sql': 'SELECT 1;' })).rejects.toMatchObject({
			code: 'migration-bundle-invalid',
		});
	});

	it('rejects a badly named file', async () => {
		await expect(migrationsOf({ '1_init.sql': 'SELECT 1;' })).rejects.toMatchObject({
			code: 'migration-bundle-invalid',
		});
	});

	it('rejects files that take over transactions or the foreign key switch', async () => {
		await expect(
			migrationsOf({ '001_init.sql': 'BEGIN;\nCREATE TABLE t (id INTEGER);\nCOMMIT;' }),
		).rejects.toMatchObject({
			code: 'migration-bundle-invalid',
		});
		await expect(
			migrationsOf({ '001_init.sql': 'PRAGMA foreign_keys = OFF;' }),
		).rejects.toMatchObject({
			code: 'migration-bundle-invalid',
		});
	});

	it('rejects a down section that takes over transactions', async () => {
		await expect(
			migrationsOf({
				'001_init.sql':
					'-- migrate:up\nCREATE TABLE t (id INTEGER);\n-- migrate:down\nBEGIN;\nDROP TABLE t;\nCOMMIT;\n',
			}),
		).rejects.toMatchObject({ code: 'migration-bundle-invalid' });
	});

	it('runs only the up section of a file with a down section, and checksums only the up part', async () => {
		const up = '-- migrate:up\nCREATE TABLE t (id INTEGER);\n';
		const text = `${up}\n\n-- migrate:down\nDROP TABLE t;\n`;
		const [file] = await migrationsOf({ '001_init.sql': text });
		expect(file!.up).toContain('CREATE TABLE t');
		expect(file!.up).not.toContain('DROP TABLE');
		expect(file!.down).toContain('DROP TABLE t');
		expect(file!.refusal).toBeNull();
		// The file as it was before a down section was added: a database that recorded it still matches.
		expect(file!.checksum).toBe(await sha256Hex(up));
		const [edited] = await migrationsOf({ '001_init.sql': `${text}DROP TABLE u;\n` });
		expect(edited!.checksum).toBe(file!.checksum);
		const [changedUp] = await migrationsOf({ '001_init.sql': text.replace('(id', '(id, x') });
		expect(changedUp!.checksum).not.toBe(file!.checksum);
	});

	it('normalises line endings before checksumming, so a Windows checkout is not a changed file', async () => {
		const [lf] = await migrationsOf({ '001_init.sql': 'CREATE TABLE t (id INTEGER);\n' });
		const [crlf] = await migrationsOf({ '001_init.sql': 'CREATE TABLE t (id INTEGER);\r\n' });
		expect(crlf!.checksum).toBe(lf!.checksum);
	});
});
