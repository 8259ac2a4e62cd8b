/**
 * Reset (the seed's migration-reset) with the real sql.js and the shipped migrations: every down
 * section gives back exactly the schema before its migration, and down followed by up the schema after
 * it; a reset from any migration keeps every row of a database with data in every table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { resetLines } from '../../src/shared/migration-report';
import type { Engine } from '../../src/worker/core/engine';
import { findMigration, resetFrom } from '../../src/worker/core/migrations/reset';
import { inspect, migrate, readLedger, revert } from '../../src/worker/core/migrations/runner';
import { migrationsOf, newEngine, realMigrations, sha256 } from './helpers';
import { dataLoss, dumpRows } from './schema';

const FIXTURES = join(import.meta.dirname, '../fixtures/schema');

/** sqlite_schema, with runs of whitespace in the SQL text made one space. */
function schemaOf(engine: Engine): { type: string; name: string; tbl_name: string; sql: string }[] {
	return engine
		.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
			"SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name <> '_migrations' ORDER BY type, name",
		)
		.map((o) => ({ ...o, sql: (o.sql ?? '').replace(/\s+/g, ' ').replace(/\( /g, '(').trim() }));
}

/** v007.db (every released version's seed rows, upgraded by the runner of its day) plus a history block. */
async function withData(): Promise<Engine> {
	const engine = await newEngine(new Uint8Array(readFileSync(join(FIXTURES, 'v007.db'))));
	engine.run(
		`INSERT INTO history_blocks (monitor_id, block_start, block_end, checks, up, degraded, down,
			min_tenths, max_tenths, sum_tenths, body) SELECT min(id), 0, 3600000, 2, 1, 0, 1, 120, 120, 120, ? FROM monitors`,
		[new Uint8Array([1, 2, 3, 4])],
	);
	return engine;
}

describe('every shipped migration', () => {
	it('has a down section', async () => {
		for (const file of await realMigrations()) expect(file.down, file.filename).not.toBeNull();
	});

	it('undoes to the schema before it, and down then up gives the schema after it', async () => {
		const files = await realMigrations();
		const engine = await newEngine();
		const schemas = [schemaOf(engine)];
		for (const file of files) {
			migrate(engine, files.slice(0, file.id));
			schemas.push(schemaOf(engine));
		}
		for (const file of [...files].reverse()) {
			const after = schemaOf(engine);
			revert(engine, file);
			expect(schemaOf(engine), `down of ${file.filename}`).toEqual(schemas[file.id - 1]);
			migrate(engine, files.slice(0, file.id));
			expect(schemaOf(engine), `down then up of ${file.filename}`).toEqual(after);
			revert(engine, file);
		}
	});
});

describe('reset from a migration', () => {
	it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])(
		'from %i keeps every row of a database with data',
		async (id) => {
			const files = await realMigrations();
			const engine = await withData();
			migrate(engine, files);
			// Tags (010) and a maintenance window (011) on a monitor, so a reset that undoes them must put them back.
			engine.exec(
				`INSERT INTO tags (id, name, colour, created_at) VALUES (1, 'Payments', '#2563eb', 1);
				 INSERT INTO monitor_tags (monitor_id, tag_id) SELECT min(id), 1 FROM monitors;
				 INSERT INTO maintenance_windows (id, name, kind, days, start_minute, end_minute, time_zone,
				   created_at, updated_at) VALUES (1, 'Nightly', 'weekly', 3, 1380, 60, 'Europe/Berlin', 1, 1);
				 INSERT INTO maintenance_window_monitors (window_id, monitor_id) SELECT 1, min(id) FROM monitors;
				 INSERT INTO maintenance_events (monitor_id, window_id, name, kind, at)
				   SELECT min(id), 1, 'Nightly', 'start', 5 FROM monitors;
				 UPDATE monitor_status SET maintenance_since = 5, maintenance_until = 9, maintenance_window_id = 1;`,
			);
			const before = dumpRows(engine);
			const schemaBefore = schemaOf(engine);
			const result = resetFrom(engine, files, files[id - 1]!);
			expect(result.undone.map((u) => u.filename)).toEqual(
				files
					.slice(id - 1)
					.map((f) => f.filename)
					.reverse(),
			);
			expect(result.applied.map((a) => a.filename)).toEqual(
				files.slice(id - 1).map((f) => f.filename),
			);
			expect(dataLoss(before, dumpRows(engine))).toEqual([]);
			expect(dumpRows(engine)).toEqual(before);
			expect(schemaOf(engine)).toEqual(schemaBefore);
			expect(inspect(engine, files).verdict).toBe('up-to-date');
			expect(engine.all('PRAGMA foreign_key_check')).toEqual([]);
			expect(engine.value('PRAGMA foreign_keys')).toBe(1);
			expect(result.kept.find((k) => k.table === 'history_blocks')?.rows ?? 1).toBe(1);
			expect(resetLines(result).at(-1)).toMatch(
				/^ {3}Whole reset: .*, [\d,]+ rows? of \d+ tables? kept$/,
			);
		},
	);
});

const NOTES = {
	'001_init.sql': 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n',
	'002_tags.sql':
		'ALTER TABLE notes ADD COLUMN tag TEXT;\n\n-- migrate:down\nALTER TABLE notes DROP COLUMN tag;\n',
};

function refusal(fn: () => unknown): AppError {
	try {
		fn();
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

describe('reset refusals', () => {
	it('refuses, changing nothing, when a down section says undoing destroys data', async () => {
		const files = await migrationsOf({
			...NOTES,
			'003_move.sql':
				"CREATE TABLE archive (id INTEGER PRIMARY KEY);\n-- migrate:down\n-- reset refuses: the archive's rows were moved out of notes and cannot be moved back.\nDROP TABLE archive;\n",
		});
		expect(files[2]!.refusal).toBe(
			"the archive's rows were moved out of notes and cannot be moved back.",
		);
		const engine = await newEngine();
		migrate(engine, files);
		engine.run("INSERT INTO notes (body, tag) VALUES ('kept', 'a')");
		const bytes = sha256(engine.db.export());
		const error = refusal(() => resetFrom(engine, files, findMigration(files, '002')));
		expect(error.code).toBe('migration-reset-refused');
		expect(error.message).toBe(
			"Undoing 003_move.sql would destroy data: the archive's rows were moved out of notes and cannot be moved back. The reset was refused.",
		);
		expect(sha256(engine.db.export())).toBe(bytes);
	});

	it('rolls the whole reset back when a re-applied migration has no place for kept values', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(NOTES));
		engine.run("INSERT INTO notes (body, tag) VALUES ('kept', 'precious')");
		const bytes = sha256(engine.db.export());
		// 002 was edited after it was applied: it no longer makes the column that holds a value.
		const edited = await migrationsOf({
			...NOTES,
			'002_tags.sql':
				'ALTER TABLE notes ADD COLUMN label TEXT;\n-- migrate:down\nALTER TABLE notes DROP COLUMN tag;\n',
		});
		const error = refusal(() => resetFrom(engine, edited, edited[1]!));
		expect(error.code).toBe('migration-reset-refused');
		expect(error.message).toBe(
			'The reset would lose data: column notes.tag (1 values) is gone. Nothing was changed.',
		);
		expect(sha256(engine.db.export())).toBe(bytes);
		expect(readLedger(engine).map((r) => r.filename)).toEqual(['001_init.sql', '002_tags.sql']);
		expect(engine.value('PRAGMA foreign_keys')).toBe(1);
	});

	it('re-applies an edited migration, keeping the rows (what the seed resets for)', async () => {
		const engine = await newEngine();
		migrate(engine, await migrationsOf(NOTES));
		engine.run("INSERT INTO notes (body, tag) VALUES ('kept', 'a'), ('also', NULL)");
		const edited = await migrationsOf({
			...NOTES,
			'002_tags.sql':
				'ALTER TABLE notes ADD COLUMN tag TEXT;\nCREATE INDEX notes_tag ON notes (tag);\n-- migrate:down\nDROP INDEX IF EXISTS notes_tag;\nALTER TABLE notes DROP COLUMN tag;\n',
		});
		expect(inspect(engine, edited).verdict).toBe('mismatch');
		resetFrom(engine, edited, edited[1]!);
		expect(inspect(engine, edited).verdict).toBe('up-to-date');
		expect(engine.all('SELECT id, body, tag FROM notes ORDER BY id')).toEqual([
			{ id: 1, body: 'kept', tag: 'a' },
			{ id: 2, body: 'also', tag: null },
		]);
	});
});
