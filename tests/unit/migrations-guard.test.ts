/**
 * Tests that keep the migrations honest over time:
 * - every file in migrations/ is bundled into the app byte for byte, and nothing else is;
 * - file numbers run 001, 002, ... with no gaps;
 * - released files are frozen (tests/fixtures/migrations/released.json lists their checksums): their up
 *   part, that is; a down section added later is outside the checksum, and databases that recorded the
 *   released checksum still open (see src/worker/core/migrations/README.md);
 * - the schema they build matches a committed snapshot (tests/fixtures/schema/snapshot.json);
 * - a fixture database of every released schema version upgrades to the latest with its data intact.
 *
 * After a deliberate change (a new migration, a release): `UPDATE_SNAPSHOTS=1 npx vitest run
 * tests/unit/migrations-guard.test.ts` rewrites the snapshot, appends new files to released.json (it
 * never rewrites a released entry) and generates the missing vNNN.db fixtures (see generateFixture).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledSources } from '../../src/worker/core/migrations/bundled';
import {
	parseMigrations,
	sha256Hex,
	type MigrationFile,
} from '../../src/worker/core/migrations/files';
import {
	APPLICATION_ID,
	inspect,
	migrate,
	readLedger,
} from '../../src/worker/core/migrations/runner';
import { MIGRATIONS_DIR, migrationsOf, newEngine, realMigrations } from './helpers';
import { dataLoss, dumpRows, schemaSnapshot } from './schema';

const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const FIXTURES = join(import.meta.dirname, '../fixtures');
const RELEASED = join(FIXTURES, 'migrations/released.json');
const SNAPSHOT = join(FIXTURES, 'schema/snapshot.json');
const SCHEMA_DIR = join(FIXTURES, 'schema');

interface Released {
	file: string;
	sha256: string;
}

const pad = (n: number) => String(n).padStart(3, '0');
const fixturePath = (version: number) => join(SCHEMA_DIR, `v${pad(version)}.db`);

function readJson<T>(path: string, fallback: T): T {
	return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
}

function writeJson(path: string, value: unknown): void {
	writeFileSync(path, `${JSON.stringify(value, null, '\t')}\n`);
}

describe('the migrations directory', () => {
	it('is bundled into the app byte for byte, every file and nothing else', () => {
		const bundled = bundledSources();
		const onDisk = readdirSync(MIGRATIONS_DIR).sort();
		expect(Object.keys(bundled).sort()).toEqual(onDisk.map((name) => `/migrations/${name}`));
		for (const name of onDisk) {
			const bytes = readFileSync(join(MIGRATIONS_DIR, name));
			expect(Buffer.from(bundled[`/migrations/${name}`]!, 'utf8').equals(bytes), name).toBe(true);
		}
	});

	it('holds only NNN_name.sql files, numbered 001, 002, ... with no gaps or repeats', () => {
		const names = readdirSync(MIGRATIONS_DIR).sort();
		expect(names.length).toBeGreaterThan(0);
		names.forEach((name, index) => {
			// Anything else would be silently left out of the bundle by the glob.
			expect(name).toMatch(/^\d{3}_[a-z0-9_]+\.sql$/);
			expect(name.slice(0, 3), `${name} is number ${index + 1}`).toBe(pad(index + 1));
		});
	});

	it('parses into the same list the app runs', async () => {
		const fromBundle = await parseMigrations(bundledSources());
		const fromDisk = await realMigrations();
		expect(fromBundle.map((f) => [f.filename, f.checksum])).toEqual(
			fromDisk.map((f) => [f.filename, f.checksum]),
		);
	});
});

describe('released migrations', () => {
	it('are never edited: each released file still has its released checksum', async () => {
		const files = await realMigrations();
		const released = readJson<Released[]>(RELEASED, []);
		expect(
			released.length,
			'tests/fixtures/migrations/released.json lists no migration',
		).toBeGreaterThan(0);
		released.forEach((entry, index) => {
			const file = files[index];
			expect(file?.filename, `released migration ${entry.file} is missing or renamed`).toBe(
				entry.file,
			);
			expect(
				file?.checksum,
				`${entry.file} was edited after its release. Released migrations are frozen: add a new migration instead.`,
			).toBe(entry.sha256);
		});
	});

	it('keep their released checksum with a down section added: only the up part is checksummed', async () => {
		const files = await realMigrations();
		const released = readJson<Released[]>(RELEASED, []);
		for (const entry of released) {
			const file = files.find((f) => f.filename === entry.file)!;
			if (file.down === null) continue;
			const whole = readFileSync(join(MIGRATIONS_DIR, entry.file), 'utf8');
			// The whole file changed (it gained its down section), the checksum databases recorded did not.
			expect(await sha256Hex(whole), entry.file).not.toBe(entry.sha256);
			expect(file.checksum, entry.file).toBe(entry.sha256);
		}
	});

	it('open databases migrated by earlier builds (the fixtures) without a checksum mismatch', async () => {
		const files = await realMigrations();
		const fixtures = readdirSync(SCHEMA_DIR).filter((name) => /^v\d{3}\.db$/.test(name));
		expect(fixtures.length).toBeGreaterThan(0);
		for (const name of fixtures) {
			const engine = await newEngine(new Uint8Array(readFileSync(join(SCHEMA_DIR, name))));
			const report = inspect(engine, files);
			expect(
				report.entries.filter((e) => e.state === 'changed'),
				name,
			).toEqual([]);
			expect(['pending', 'up-to-date'], name).toContain(report.verdict);
			engine.db.close();
		}
	});

	it('each have an upgrade fixture database (tests/fixtures/schema/vNNN.db)', () => {
		const released = readJson<Released[]>(RELEASED, []);
		for (let version = 1; version <= released.length; version++) {
			expect(existsSync(fixturePath(version)), `no fixture for schema version ${version}`).toBe(
				true,
			);
		}
	});
});

/** The deliberate path: record new files as released, regenerate the snapshot, build missing fixtures. */
async function update(): Promise<void> {
	const files = await realMigrations();
	const released = readJson<Released[]>(RELEASED, []);
	const known = new Set(released.map((r) => r.file));
	const added = files
		.filter((f) => !known.has(f.filename))
		.map((f) => ({ file: f.filename, sha256: f.checksum }));
	writeJson(RELEASED, [...released, ...added]);

	const engine = await newEngine();
	migrate(engine, files);
	writeJson(SNAPSHOT, schemaSnapshot(engine));

	for (let version = 1; version <= released.length + added.length; version++) {
		if (!existsSync(fixturePath(version))) await generateFixture(files, version);
	}
}

if (UPDATE) await update();

/**
 * Builds vNNN.db with the real runner: v001 from an empty file, every later one from the fixture before
 * it (so the rows of older versions ride along, as in a real upgrade). seed/vNNN.sql, when present, adds
 * rows for what that version introduced; v001 needs one.
 */
async function generateFixture(files: readonly MigrationFile[], version: number): Promise<void> {
	const seed = join(SCHEMA_DIR, `seed/v${pad(version)}.sql`);
	const previous = fixturePath(version - 1);
	if (version === 1 && !existsSync(seed)) {
		throw new Error(`write ${seed} (a few rows for every table) to generate v001.db`);
	}
	const engine = await newEngine(version > 1 ? new Uint8Array(readFileSync(previous)) : undefined);
	migrate(engine, files.slice(0, version));
	if (existsSync(seed)) engine.transaction(() => engine.exec(readFileSync(seed, 'utf8')));
	engine.exec('VACUUM');
	writeFileSync(fixturePath(version), engine.db.export());
	engine.db.close();
}

describe('the schema', () => {
	it('matches the committed snapshot (regenerate on purpose with UPDATE_SNAPSHOTS=1)', async () => {
		const engine = await newEngine();
		migrate(engine, await realMigrations());
		const snapshot = schemaSnapshot(engine);
		expect(existsSync(SNAPSHOT), 'no schema snapshot: run with UPDATE_SNAPSHOTS=1 once').toBe(true);
		expect(
			snapshot,
			'The schema changed. If that is on purpose, run UPDATE_SNAPSHOTS=1 npx vitest run tests/unit/migrations-guard.test.ts and commit tests/fixtures/schema/snapshot.json.',
		).toEqual(readJson(SNAPSHOT, {}));
	});
});

describe('upgrading old databases', () => {
	const fixtures = existsSync(SCHEMA_DIR)
		? readdirSync(SCHEMA_DIR)
				.filter((name) => /^v\d{3}\.db$/.test(name))
				.sort()
		: [];

	it('has a fixture for every released schema version', () => {
		expect(fixtures.length).toBe(readJson<Released[]>(RELEASED, []).length);
	});

	it.each(fixtures)('%s migrates to the latest schema with its data intact', async (name) => {
		const version = Number(name.slice(1, 4));
		const files = await realMigrations();
		const engine = await newEngine(new Uint8Array(readFileSync(join(SCHEMA_DIR, name))));

		expect(engine.value('PRAGMA user_version')).toBe(version);
		expect(engine.value('PRAGMA application_id')).toBe(APPLICATION_ID);
		const released = readJson<Released[]>(RELEASED, []);
		expect(readLedger(engine).map((r) => [r.filename, r.checksum])).toEqual(
			released.slice(0, version).map((r) => [r.file, r.sha256]),
		);
		const before = dumpRows(engine);
		expect(
			Object.values(before).some((rows) => rows.length > 0),
			`${name} holds no rows`,
		).toBe(true);

		const applied = migrate(engine, files);
		expect(applied.map((a) => a.filename)).toEqual(files.slice(version).map((f) => f.filename));
		expect(inspect(engine, files).verdict).toBe('up-to-date');
		expect(engine.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
		expect(engine.all('PRAGMA foreign_key_check')).toEqual([]);
		expect(dataLoss(before, dumpRows(engine))).toEqual([]);

		// An upgraded database has exactly the schema of a new one.
		const fresh = await newEngine();
		migrate(fresh, files);
		expect(schemaSnapshot(engine)).toEqual(schemaSnapshot(fresh));
	});

	it('the data check catches a migration that loses rows or values', async () => {
		const v1 = { '001_init.sql': 'CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);' };
		const engine = await newEngine();
		migrate(engine, await migrationsOf(v1));
		engine.exec("INSERT INTO t VALUES (1, 'x', 'y'), (2, 'z', 'w')");
		const before = dumpRows(engine);
		migrate(
			engine,
			await migrationsOf({
				...v1,
				'002_lossy.sql':
					"DELETE FROM t WHERE id = 2; UPDATE t SET a = 'changed'; ALTER TABLE t DROP COLUMN b;",
			}),
		);
		expect(dataLoss(before, dumpRows(engine))).toEqual(['table t had 2 rows, now 1']);
		const partial = { t: [before.t![0]!] };
		expect(dataLoss(partial, dumpRows(engine))).toEqual([
			'column t.b is gone',
			't row 1: a was "x", now "changed"',
		]);
	});
});
