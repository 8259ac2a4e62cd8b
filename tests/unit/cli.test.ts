/**
 * The monitor.db command line, run in-process through `main` against fixture files copied into a
 * temporary directory (commands write backups next to the file), plus a few real processes to show
 * the npm script works and that failures print one line and no stack trace.
 *
 * Nothing here assumes how many migrations this checkout has: the "healthy" file is the schema
 * fixture v001.db migrated to the latest with the real runner, and the extra migrations the tests add
 * take the next free numbers.
 */
import { spawnSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { migrate } from '../../src/worker/core/migrations/runner';
import {
	MIGRATIONS_DIR,
	migrationsOf,
	newEngine,
	readMigrationSources,
	realMigrations,
	sha256,
} from './helpers';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'tests/fixtures');
const NOW = Date.UTC(2026, 10, 26, 18, 45, 0);

/** The schema version of this checkout, and the names the tests' own migrations get after it. */
const LATEST = readdirSync(MIGRATIONS_DIR).length;
const pad = (n: number) => String(n).padStart(3, '0');
const N1 = pad(LATEST + 1);
const N2 = pad(LATEST + 2);

const NOTES = {
	[`${N1}_notes.sql`]:
		"-- migrate:up\nALTER TABLE monitors ADD COLUMN notes TEXT NOT NULL DEFAULT '';\n-- migrate:down\nALTER TABLE monitors DROP COLUMN notes;\n",
};
const URL_INDEX = {
	[`${N2}_monitor_url.sql`]:
		'-- migrate:up\nCREATE INDEX monitors_url ON monitors (url);\n-- migrate:down\nDROP INDEX monitors_url;\n',
};
const NO_DOWN = {
	[`${N1}_settings_time.sql`]:
		'CREATE INDEX IF NOT EXISTS settings_time ON settings (updated_at);\n',
};
// The fixture has two enabled monitors, so this index cannot be built.
const FAILING = {
	[`${N1}_one_enabled.sql`]: 'CREATE UNIQUE INDEX one_enabled ON monitors (enabled);\n',
};

/** Built once: the healthy file at the latest schema, and one a newer app (one more migration) wrote. */
const BUILT = mkdtempSync(join(tmpdir(), 'monitor-cli-fixtures-'));
const HEALTHY = join(BUILT, 'monitor.db');
const NEWER = join(BUILT, 'newer.db');

beforeAll(async () => {
	const files = await realMigrations();
	const engine = await newEngine(new Uint8Array(readFileSync(join(FIXTURES, 'schema/v001.db'))));
	migrate(engine, files);
	writeFileSync(HEALTHY, engine.db.export());
	const future = await migrationsOf({
		...Object.fromEntries(
			Object.entries(readMigrationSources()).map(([path, text]) => [
				path.slice('/migrations/'.length),
				text,
			]),
		),
		[`${N1}_future_feature.sql`]: 'CREATE TABLE future_feature (id INTEGER PRIMARY KEY);',
	});
	migrate(engine, future);
	writeFileSync(NEWER, engine.db.export());
	engine.db.close();
});

interface Result {
	code: number;
	out: string;
	err: string[];
}

/** A temporary directory holding copies of the given fixtures (name -> source path). */
function workdir(files: Record<string, string> = { 'monitor.db': HEALTHY }): string {
	const dir = mkdtempSync(join(tmpdir(), 'monitor-cli-'));
	for (const [name, source] of Object.entries(files)) copyFileSync(source, join(dir, name));
	return dir;
}

/** This checkout's migrations plus extra files, in a temporary directory. */
function migrationsWith(extra: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'monitor-migrations-'));
	for (const name of readdirSync(MIGRATIONS_DIR))
		copyFileSync(join(MIGRATIONS_DIR, name), join(dir, name));
	for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
	return dir;
}

async function run(cwd: string, ...args: string[]): Promise<Result> {
	const out: string[] = [];
	const err: string[] = [];
	const code = await main(args, {
		out: (l) => out.push(l),
		err: (l) => err.push(l),
		cwd,
		now: () => NOW,
	});
	return { code, out: out.join('\n'), err };
}

const hashOf = (path: string) => sha256(readFileSync(path));
const backupsIn = (dir: string) => readdirSync(dir).filter((n) => n.includes('.backup-'));

/** The failure contract: exit 2, exactly one line on stderr, no stack trace. */
function expectOneLineError(result: Result, pattern: RegExp): void {
	expect(result.code).toBe(2);
	expect(result.err).toHaveLength(1);
	expect(result.err[0]).toMatch(/^error: /);
	expect(result.err[0]).toMatch(pattern);
	expect(result.err[0]).not.toMatch(/\n|\sat\s.*:\d+:\d+/);
}

async function dbAt(path: string) {
	return newEngine(new Uint8Array(readFileSync(path)));
}

describe('every command refuses a missing file, a non-SQLite file and a newer database with one line', () => {
	const commands = [
		'status',
		'migrate',
		'migrate --dry-run',
		'reset 001_init.sql',
		'check',
		'info',
		'backup',
	];

	it.each(commands)('%s', async (line) => {
		const command = line.split(' ');
		const dir = workdir({
			'not-sqlite.db': join(FIXTURES, 'cli/not-sqlite.db'),
			'newer.db': NEWER,
		});
		expectOneLineError(await run(dir, ...command, 'missing.db'), /missing\.db: no such file/);
		expectOneLineError(
			await run(dir, ...command, 'not-sqlite.db'),
			/not-sqlite\.db is not a SQLite database/,
		);
		expectOneLineError(await run(dir, ...command, dir), /is a directory/);

		const before = hashOf(join(dir, 'newer.db'));
		const newer = await run(dir, ...command, 'newer.db');
		if (command[0] === 'backup') {
			// Copying is always safe: a newer database is backed up, and the note says what it is.
			expect(newer.code).toBe(0);
			expect(newer.out).toMatch(/Note: newer\.db was written by a newer version of Monitor/);
		} else if (command[0] === 'check') {
			expectOneLineError(
				newer,
				/newer\.db failed its check: Ledger: newer\.db was written by a newer version/,
			);
		} else {
			expectOneLineError(
				newer,
				new RegExp(
					`newer\\.db was written by a newer version of Monitor \\(schema version ${LATEST + 1}; this checkout knows ${LATEST}; unknown: ${N1}_future_feature\\.sql\\)`,
				),
			);
		}
		expect(hashOf(join(dir, 'newer.db'))).toBe(before);
		if (command[0] !== 'backup') expect(backupsIn(dir)).toEqual([]);
	});
});

describe('status', () => {
	it('prints the seed report and exits 0 when up to date', async () => {
		const result = await run(workdir(), 'status', 'monitor.db');
		expect(result.code).toBe(0);
		expect(result.err).toEqual([]);
		expect(result.out).toMatch(
			/^📊 Migration Status Report\n✅ 001_init\.sql\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+(\.\d+)?m?s\)\n/,
		);
		expect(result.out).toMatch(
			/⏱️ {2}Performance:\n {3}Total time: .+\n {3}Average: .+ per migration/,
		);
		expect(result.out).toContain(
			`Schema version ${LATEST} in the database, ${LATEST} in this app.`,
		);
		expect(result.out).toContain('✅ Up to date.');
	});

	it('exits 1 with the pending files marked', async () => {
		const result = await run(
			workdir(),
			'status',
			'--migrations',
			migrationsWith({ ...NOTES, ...URL_INDEX }),
			'monitor.db',
		);
		expect(result.code).toBe(1);
		expect(result.out).toMatch(new RegExp(`⏳ ${N1}_notes\\.sql\\s+PENDING`));
		expect(result.out).toMatch(new RegExp(`⏳ ${N2}_monitor_url\\.sql\\s+PENDING`));
		expect(result.out).toContain('⏳ 2 migrations pending.');
	});

	it('exits 2 when an applied file changed since it was applied', async () => {
		const dir = migrationsWith({});
		writeFileSync(
			join(dir, '001_init.sql'),
			`-- edited\n${readFileSync(join(dir, '001_init.sql'), 'utf8')}`,
		);
		const result = await run(workdir(), 'status', '--migrations', dir, 'monitor.db');
		expect(result.out).toMatch(/⚠️ 001_init\.sql .*changed since applied/);
		expectOneLineError(result, /001_init\.sql \(changed since applied\)/);
	});

	it('refuses a SQLite file that is not a Monitor database', async () => {
		const dir = workdir({ 'foreign.db': join(FIXTURES, 'cli/foreign.db') });
		expectOneLineError(await run(dir, 'status', 'foreign.db'), /not a Monitor database/);
	});
});

describe('migrate', () => {
	it('backs the file up next to it, applies pending files with timings, and saves atomically', async () => {
		const dir = workdir();
		const original = hashOf(join(dir, 'monitor.db'));
		const migrations = migrationsWith({ ...NOTES, ...URL_INDEX });
		const result = await run(dir, 'migrate', '--migrations', migrations, 'monitor.db');
		expect(result.err).toEqual([]);
		expect(result.code).toBe(0);
		expect(backupsIn(dir)).toEqual(['monitor.db.backup-20261126T184500Z']);
		expect(hashOf(join(dir, 'monitor.db.backup-20261126T184500Z'))).toBe(original);
		expect(result.out).toMatch(
			new RegExp(
				`✅ Applied: ${N1}_notes\\.sql \\(.+\\)\\n✅ Applied: ${N2}_monitor_url\\.sql \\(.+\\)`,
			),
		);
		expect(result.out).toContain(`Schema version ${LATEST} → ${LATEST + 2}. monitor.db saved.`);

		const engine = await dbAt(join(dir, 'monitor.db'));
		expect(engine.value('PRAGMA user_version')).toBe(LATEST + 2);
		expect(engine.all('SELECT name, notes FROM monitors ORDER BY id')).toEqual([
			{ name: 'Homepage', notes: '' },
			{ name: 'API health', notes: '' },
			{ name: 'Webhook', notes: '' },
		]);
		expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

		const again = await run(dir, 'migrate', '--migrations', migrations, 'monitor.db');
		expect(again.code).toBe(0);
		expect(again.out).toBe(`✅ monitor.db is up to date (schema version ${LATEST + 2}).`);
		expect(backupsIn(dir)).toHaveLength(1);
	});

	it('--dry-run reports what would happen and writes nothing', async () => {
		const dir = workdir();
		const before = hashOf(join(dir, 'monitor.db'));
		const result = await run(
			dir,
			'migrate',
			'--dry-run',
			'--migrations',
			migrationsWith(NOTES),
			'monitor.db',
		);
		expect(result.code).toBe(0);
		expect(result.out).toMatch(/🧪 Dry run/);
		expect(result.out).toMatch(new RegExp(`✅ Would apply: ${N1}_notes\\.sql \\(.+\\)`));
		expect(result.out).toContain(
			`schema version ${LATEST} → ${LATEST + 1} would succeed; monitor.db was not changed.`,
		);
		expect(hashOf(join(dir, 'monitor.db'))).toBe(before);
		expect(backupsIn(dir)).toEqual([]);
	});

	it('--dry-run finds the failing migration without touching the file', async () => {
		const dir = workdir();
		const before = hashOf(join(dir, 'monitor.db'));
		const result = await run(
			dir,
			'migrate',
			'--dry-run',
			'--migrations',
			migrationsWith(FAILING),
			'monitor.db',
		);
		expectOneLineError(
			result,
			new RegExp(
				`${N1}_one_enabled\\.sql failed: UNIQUE constraint failed: monitors\\.enabled\\. monitor\\.db was not changed\\.$`,
			),
		);
		expect(hashOf(join(dir, 'monitor.db'))).toBe(before);
	});

	it('a failing migration leaves the file unchanged, names the file and the reason, and points at the backup', async () => {
		const dir = workdir();
		const before = hashOf(join(dir, 'monitor.db'));
		const result = await run(dir, 'migrate', '--migrations', migrationsWith(FAILING), 'monitor.db');
		expectOneLineError(
			result,
			new RegExp(
				`${N1}_one_enabled\\.sql failed: UNIQUE constraint failed: monitors\\.enabled\\. monitor\\.db was not changed\\. The backup is at .*monitor\\.db\\.backup-20261126T184500Z\\.$`,
			),
		);
		expect(hashOf(join(dir, 'monitor.db'))).toBe(before);
	});

	it('refuses a damaged file and a foreign one', async () => {
		const dir = workdir({
			'corrupt.db': join(FIXTURES, 'cli/corrupt.db'),
			'foreign.db': join(FIXTURES, 'cli/foreign.db'),
		});
		const corrupt = hashOf(join(dir, 'corrupt.db'));
		expectOneLineError(
			await run(dir, 'migrate', '--migrations', migrationsWith(NOTES), 'corrupt.db'),
			/corrupt\.db failed its consistency check/,
		);
		expect(hashOf(join(dir, 'corrupt.db'))).toBe(corrupt);
		expectOneLineError(await run(dir, 'migrate', 'foreign.db'), /not a Monitor database/);
		expect(backupsIn(dir)).toEqual([]);
	});

	it('writes a file that the stock sqlite3 opens and finds intact', async () => {
		const sqlite3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
		if (!sqlite3) return;
		const dir = workdir();
		await run(
			dir,
			'migrate',
			'--migrations',
			migrationsWith({ ...NOTES, ...URL_INDEX }),
			'monitor.db',
		);
		const out = spawnSync(
			sqlite3,
			[
				join(dir, 'monitor.db'),
				'PRAGMA integrity_check; PRAGMA user_version; SELECT count(*) FROM monitors;',
			],
			{ encoding: 'utf8' },
		);
		expect(out.stdout.trim().split('\n')).toEqual(['ok', String(LATEST + 2), '3']);
	});
});

describe('reset', () => {
	async function migratedTwoMore() {
		const dir = workdir();
		const migrations = migrationsWith({ ...NOTES, ...URL_INDEX });
		expect((await run(dir, 'migrate', '--migrations', migrations, 'monitor.db')).code).toBe(0);
		return { dir, migrations };
	}

	it('backs up, undoes that migration and every later one, and applies them again', async () => {
		const { dir, migrations } = await migratedTwoMore();
		const engine = await dbAt(join(dir, 'monitor.db'));
		const before = engine.all('SELECT id, name, url FROM monitors ORDER BY id');
		const fileBefore = hashOf(join(dir, 'monitor.db'));
		const result = await run(
			dir,
			'reset',
			`${N1}_notes.sql`,
			'--migrations',
			migrations,
			'monitor.db',
		);
		expect(result.err).toEqual([]);
		expect(result.code).toBe(0);
		expect(result.out).toMatch(
			new RegExp(
				`💾 Backup: .*monitor\\.db\\.backup-20261126T184500Z-2\\n↩️ {2}Undone: ${N2}_monitor_url\\.sql \\(.*\\)\\n↩️ {2}Undone: ${N1}_notes\\.sql \\(.*\\)\\n✅ Applied: ${N1}_notes\\.sql .*\\n✅ Applied: ${N2}_monitor_url\\.sql`,
			),
		);
		expect(hashOf(join(dir, 'monitor.db.backup-20261126T184500Z-2'))).toBe(fileBefore);
		const after = await dbAt(join(dir, 'monitor.db'));
		expect(after.value('PRAGMA user_version')).toBe(LATEST + 2);
		expect(after.all('SELECT id, name, url FROM monitors ORDER BY id')).toEqual(before);
		expect((await run(dir, 'status', '--migrations', migrations, 'monitor.db')).code).toBe(0);
	});

	it('re-applies a migration edited after it was applied, so status is clean again', async () => {
		const { dir, migrations } = await migratedTwoMore();
		writeFileSync(
			join(migrations, `${N2}_monitor_url.sql`),
			'-- migrate:up\nCREATE INDEX monitors_url ON monitors (url, method);\n-- migrate:down\nDROP INDEX monitors_url;\n',
		);
		expect((await run(dir, 'status', '--migrations', migrations, 'monitor.db')).code).toBe(2);
		const result = await run(dir, 'reset', N2, '--migrations', migrations, 'monitor.db');
		expect(result.code).toBe(0);
		expect((await run(dir, 'status', '--migrations', migrations, 'monitor.db')).code).toBe(0);
		const engine = await dbAt(join(dir, 'monitor.db'));
		expect(engine.all("SELECT name FROM pragma_index_info('monitors_url')")).toEqual([
			{ name: 'url' },
			{ name: 'method' },
		]);
	});

	it('refuses a migration without a down section unless --force, and then only re-applies it', async () => {
		const dir = workdir();
		const migrations = migrationsWith(NO_DOWN);
		await run(dir, 'migrate', '--migrations', migrations, 'monitor.db');
		const before = hashOf(join(dir, 'monitor.db'));
		const backups = backupsIn(dir).length;

		const refused = await run(
			dir,
			'reset',
			`${N1}_settings_time.sql`,
			'--migrations',
			migrations,
			'monitor.db',
		);
		expectOneLineError(
			refused,
			new RegExp(
				`${N1}_settings_time\\.sql has no "-- migrate:down" section, so the reset cannot undo it\\. Add one, or pass --force .* monitor\\.db was not changed\\.$`,
			),
		);
		expect(hashOf(join(dir, 'monitor.db'))).toBe(before);
		expect(backupsIn(dir)).toHaveLength(backups);

		const forced = await run(
			dir,
			'reset',
			`${N1}_settings_time.sql`,
			'--force',
			'--migrations',
			migrations,
			'monitor.db',
		);
		expect(forced.code).toBe(0);
		expect(forced.out).toContain(
			`↩️  Forgotten (no down section, --force): ${N1}_settings_time.sql`,
		);
		expect(backupsIn(dir)).toHaveLength(backups + 1);
	});

	it('a forced reset whose re-application fails changes nothing', async () => {
		const dir = workdir();
		const migrations = migrationsWith({
			[`${N1}_extra.sql`]: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);\n',
		});
		await run(dir, 'migrate', '--migrations', migrations, 'monitor.db');
		const backups = backupsIn(dir).length;
		const before = hashOf(join(dir, 'monitor.db'));
		const result = await run(dir, 'reset', N1, '--force', '--migrations', migrations, 'monitor.db');
		expectOneLineError(
			result,
			new RegExp(
				`${N1}_extra\\.sql failed: table extra already exists\\. monitor\\.db was not changed\\.$`,
			),
		);
		expect(hashOf(join(dir, 'monitor.db'))).toBe(before);
		expect(backupsIn(dir)).toHaveLength(backups);
	});

	it('resets the shipped first migration, keeping every row of the file', async () => {
		const dir = workdir();
		const rows = async () =>
			(await dbAt(join(dir, 'monitor.db'))).all('SELECT * FROM monitors ORDER BY id');
		const before = await rows();
		expect(before.length).toBeGreaterThan(0);
		const result = await run(dir, 'reset', '001_init.sql', 'monitor.db');
		expect(result.code).toBe(0);
		expect(result.out).toMatch(/Whole reset: .* rows? of \d+ tables? kept/);
		expect(await rows()).toEqual(before);
	});

	it('refuses an unknown migration, one that is not applied, and bad arguments', async () => {
		const dir = workdir();
		expectOneLineError(
			await run(dir, 'reset', '009_nope.sql', 'monitor.db'),
			/There is no migration called 009_nope\.sql\./,
		);
		expectOneLineError(
			await run(dir, 'reset', N1, '--migrations', migrationsWith(NOTES), 'monitor.db'),
			new RegExp(`${N1}_notes\\.sql is not applied to this database`),
		);
		expectOneLineError(
			await run(dir, 'reset', 'monitor.db'),
			/reset takes a migration and a database file/,
		);
	});
});

describe('init', () => {
	it('creates a new database with every migration applied, which check finds healthy', async () => {
		const dir = workdir({});
		const result = await run(dir, 'init', 'new.db');
		expect(result.code).toBe(0);
		expect(result.out).toContain(`created at schema version ${LATEST}`);
		expect(result.out.match(/✅ Applied: /g)).toHaveLength(LATEST);
		const checked = await run(dir, 'check', 'new.db');
		expect(checked.code).toBe(0);
		expect(checked.out).toContain('Verdict: ✅ new.db is healthy and up to date.');
		expect(readdirSync(dir)).toEqual(['new.db']);
	});

	it('refuses an existing file, and leaves it byte for byte as it was', async () => {
		const dir = workdir({
			'monitor.db': HEALTHY,
			'notes.txt': join(FIXTURES, 'cli/not-sqlite.db'),
		});
		for (const name of ['monitor.db', 'notes.txt']) {
			const before = hashOf(join(dir, name));
			expectOneLineError(await run(dir, 'init', name), /already exists; init never overwrites/);
			expect(hashOf(join(dir, name))).toBe(before);
		}
		expect(readdirSync(dir).sort()).toEqual(['monitor.db', 'notes.txt']);
	});

	it('refuses a missing directory and writes nothing when a migration fails', async () => {
		const dir = workdir({});
		expectOneLineError(await run(dir, 'init', 'nowhere/new.db'), /no such directory/);
		const bad = migrationsWith({
			[`${N1}_broken.sql`]: 'CREATE TABLE monitors (id INTEGER PRIMARY KEY);\n',
		});
		expectOneLineError(
			await run(dir, 'init', '--migrations', bad, 'new.db'),
			/new\.db was not created/,
		);
		expect(readdirSync(dir)).toEqual([]);
	});

	it('is what a missing file points to', async () => {
		const result = await run(workdir({}), 'migrate', 'missing.db');
		expectOneLineError(result, /no such file\. To start a new database, run: init missing\.db/);
	});
});

describe('check', () => {
	it('passes a healthy file with a clear verdict', async () => {
		const result = await run(workdir(), 'check', 'monitor.db');
		expect(result.code).toBe(0);
		expect(result.out.split('\n')).toEqual([
			'🔎 Checking monitor.db',
			expect.stringMatching(/^✅ Header: SQLite format 3, 4096-byte pages, \d+ pages \(\d+ KiB\)$/),
			'✅ Integrity: ok',
			'✅ Foreign keys: ok',
			'✅ Application id: Monitor (0x4d6f6e31)',
			`✅ Ledger: ${LATEST} migration${LATEST === 1 ? '' : 's'} applied, checksums match this checkout`,
			`✅ Schema version: ${LATEST} (the ledger agrees)`,
			'',
			'Verdict: ✅ monitor.db is healthy and up to date.',
		]);
	});

	it('exits 1 for a healthy file with pending migrations', async () => {
		const result = await run(
			workdir(),
			'check',
			'--migrations',
			migrationsWith(NOTES),
			'monitor.db',
		);
		expect(result.code).toBe(1);
		expect(result.out).toContain('⏳ Ledger: 1 migration pending');
		expect(result.out).toContain('Verdict: ✅ monitor.db is healthy; 1 migration pending.');
	});

	it('finds the damage in a corrupt file and the foreign application id', async () => {
		const dir = workdir({
			'corrupt.db': join(FIXTURES, 'cli/corrupt.db'),
			'foreign.db': join(FIXTURES, 'cli/foreign.db'),
		});
		const corrupt = await run(dir, 'check', 'corrupt.db');
		expect(corrupt.out).toMatch(/❌ Integrity: /);
		expectOneLineError(corrupt, /corrupt\.db failed its check: Integrity: /);
		const foreign = await run(dir, 'check', 'foreign.db');
		expect(foreign.out).toContain('❌ Application id: 0x00000000');
		expect(foreign.out).toContain('❌ Ledger: no _migrations table');
		expectOneLineError(foreign, /foreign\.db failed its check/);
	});
});

describe('info', () => {
	it('shows size, pages, tables with row counts and the schema version', async () => {
		const result = await run(workdir(), 'info', 'monitor.db');
		expect(result.code).toBe(0);
		const size = readFileSync(HEALTHY).length;
		expect(result.out).toMatch(
			new RegExp(`Size: +\\d+ KiB \\(${size.toLocaleString('en')} bytes\\)`),
		);
		expect(result.out).toMatch(new RegExp(`Pages: +${size / 4096} × 4,096 bytes, \\d+ free`));
		expect(result.out).toMatch(/Application: Monitor/);
		expect(result.out).toMatch(
			new RegExp(`Schema: +version ${LATEST}; this checkout: ${LATEST} \\(up-to-date\\)`),
		);
		expect(result.out).toMatch(/ {2}monitors +3 rows/);
		expect(result.out).toMatch(/ {2}settings +2 rows/);
		expect(result.out).toMatch(new RegExp(`^ {2}_migrations +${LATEST} rows?$`, 'm'));
	});

	it('describes a foreign SQLite file too', async () => {
		const result = await run(
			workdir({ 'foreign.db': join(FIXTURES, 'cli/foreign.db') }),
			'info',
			'foreign.db',
		);
		expect(result.code).toBe(0);
		expect(result.out).toMatch(/Application: not Monitor \(application id 0\)/);
		expect(result.out).toMatch(/ {2}notes +1 row/);
	});
});

describe('backup', () => {
	it('writes a verified byte-for-byte copy next to the file, or where --out says', async () => {
		const dir = workdir();
		const original = hashOf(join(dir, 'monitor.db'));
		const first = await run(dir, 'backup', 'monitor.db');
		expect(first.code).toBe(0);
		expect(first.out).toMatch(
			/💾 Backup of monitor\.db written to .*monitor\.db\.backup-20261126T184500Z \(\d+ KiB, sha256 [0-9a-f]{16}…\)\./,
		);
		expect(hashOf(join(dir, 'monitor.db.backup-20261126T184500Z'))).toBe(original);

		const second = await run(dir, 'backup', '--out', 'copies-are-here.db', 'monitor.db');
		expect(second.code).toBe(0);
		expect(hashOf(join(dir, 'copies-are-here.db'))).toBe(original);
		expectOneLineError(
			await run(dir, 'backup', '--out', 'copies-are-here.db', 'monitor.db'),
			/already exists; not overwriting it/,
		);
	});

	it('refuses a damaged file and a file another program is writing', async () => {
		const dir = workdir({ 'corrupt.db': join(FIXTURES, 'cli/corrupt.db'), 'monitor.db': HEALTHY });
		expectOneLineError(
			await run(dir, 'backup', 'corrupt.db'),
			/corrupt\.db failed its consistency check .* Run check for details\./,
		);
		writeFileSync(join(dir, 'monitor.db-journal'), 'x');
		expectOneLineError(await run(dir, 'backup', 'monitor.db'), /monitor\.db has a journal file/);
		expect(backupsIn(dir)).toEqual([]);
	});
});

describe('usage', () => {
	it('explains itself with --help and refuses what it does not understand in one line', async () => {
		const dir = workdir();
		const help = await run(dir, '--help');
		expect(help.code).toBe(0);
		expect(help.out).toMatch(/^Usage: npm run db -- <command> \[options\] <file\.db>/);
		expectOneLineError(await run(dir), /no command given/);
		expectOneLineError(await run(dir, 'vacuum', 'monitor.db'), /unknown command "vacuum"/);
		expectOneLineError(
			await run(dir, 'status', '--frobnicate', 'monitor.db'),
			/Unknown option '--frobnicate'.*--help/,
		);
		expectOneLineError(
			await run(dir, 'status', '--force', 'monitor.db'),
			/--force only applies to reset/,
		);
		expectOneLineError(await run(dir, 'status', 'a.db', 'b.db'), /status takes one database file/);
	});
});

describe('as a process', () => {
	const tsx = join(ROOT, 'node_modules/.bin/tsx');
	const spawn = (cwd: string, ...args: string[]) =>
		spawnSync(tsx, [join(ROOT, 'src/cli/bin.ts'), ...args], {
			cwd,
			encoding: 'utf8',
			env: { ...process.env, INIT_CWD: cwd },
		});

	it('exits with the documented codes and prints one line, never a stack trace', () => {
		const dir = workdir({
			'monitor.db': HEALTHY,
			'not-sqlite.db': join(FIXTURES, 'cli/not-sqlite.db'),
			'newer.db': NEWER,
		});
		const ok = spawn(dir, 'status', 'monitor.db');
		expect(ok.status).toBe(0);
		expect(ok.stdout).toContain('📊 Migration Status Report');
		for (const [file, pattern] of [
			['missing.db', /no such file/],
			['not-sqlite.db', /is not a SQLite database/],
			['newer.db', /written by a newer version of Monitor/],
		] as const) {
			const result = spawn(dir, 'migrate', file);
			expect(result.status, file).toBe(2);
			const lines = result.stderr.trim().split('\n');
			expect(lines, file).toHaveLength(1);
			expect(lines[0]).toMatch(pattern);
			expect(result.stderr).not.toMatch(/\s+at\s/);
		}
	}, 60_000); // spawns the CLI a dozen times: slow on a loaded machine

	it('runs as `npm run db`, resolving paths from where it was started', () => {
		const dir = workdir();
		const result = spawnSync(
			'npm',
			['--prefix', ROOT, 'run', '-s', 'db', '--', 'info', 'monitor.db'],
			{ cwd: dir, encoding: 'utf8' },
		);
		expect(result.status).toBe(0);
		expect(result.stdout).toContain(join(dir, 'monitor.db'));
	});
});
