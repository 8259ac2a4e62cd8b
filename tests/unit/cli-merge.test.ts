/**
 * `npm run db -- merge <into.db> <from.db>` with the real sql.js: from.db's monitors join into.db's
 * (history without a doubled check) or are added; into.db is backed up first; a second merge changes
 * no row; a file that is not a Monitor database is refused and into.db is left as it was.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { newEngine, sha256 } from './helpers';

const TO = Date.UTC(2026, 0, 10);

async function run(cwd: string, ...args: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await main(args, {
		out: (l) => out.push(l),
		err: (l) => err.push(l),
		cwd,
		now: () => TO,
	});
	return { code, out, err };
}

const generate = (cwd: string, file: string, monitors: number) =>
	run(
		cwd,
		'generate-history',
		file,
		'--monitors',
		String(monitors),
		'--interval',
		'600',
		'--days',
		'3',
		'--to',
		new Date(TO).toISOString(),
	);

async function rows(file: string) {
	const engine = await newEngine(readFileSync(file));
	const result = ['monitors', 'checks', 'history_blocks', 'rollups', 'events']
		.map((t) => JSON.stringify(engine.all(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)))
		.join('\n');
	const checks = engine.all<{ url: string; n: number; hour: number }>(
		`SELECT url, (SELECT count(*) FROM checks WHERE monitor_id = m.id)
		   + (SELECT coalesce(sum(checks), 0) FROM history_blocks WHERE monitor_id = m.id) AS n,
		   (SELECT sum(checks) FROM rollups WHERE monitor_id = m.id AND resolution = 'hour') AS hour
		 FROM monitors m ORDER BY url`,
	);
	engine.db.close();
	return { result, checks };
}

describe('npm run db -- merge', () => {
	it('merges another file in, backed up first, and changes nothing the second time', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'monitor-cli-merge-'));
		expect((await generate(dir, 'a.db', 2)).code).toBe(0);
		copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'));
		expect((await generate(dir, 'b.db', 1)).code).toBe(0);
		const a = await rows(join(dir, 'a.db'));
		const b = await rows(join(dir, 'b.db'));

		const merged = await run(dir, 'merge', 'a.db', 'b.db');
		expect(merged.err).toEqual([]);
		expect(merged.code).toBe(0);
		expect(merged.out.join('\n')).toMatch(/1 monitors added \(paused\), 0 joined, 2 skipped/);
		expect(readdirSync(dir).some((f) => f.startsWith('a.db.backup-'))).toBe(true);
		const after = await rows(join(dir, 'a.db'));
		// The union: a's two monitors once (b holds the same checks), b's third with its history.
		expect(after.checks).toEqual(b.checks);
		expect(after.checks.slice(0, 2)).toEqual(a.checks);
		for (const m of after.checks) expect(m.hour).toBe(m.n);

		expect((await run(dir, 'merge', 'a.db', 'b.db')).code).toBe(0);
		expect((await rows(join(dir, 'a.db'))).result).toBe(after.result);
	});

	it('refuses a file that is not a Monitor database, and leaves the other as it was', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'monitor-cli-merge-'));
		expect((await generate(dir, 'a.db', 1)).code).toBe(0);
		const foreign = await newEngine();
		foreign.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
		writeFileSync(join(dir, 'notes.db'), foreign.db.export());
		const before = sha256(readFileSync(join(dir, 'a.db')));
		const refused = await run(dir, 'merge', 'a.db', 'notes.db');
		expect(refused.code).toBe(2);
		expect(refused.err.join('\n')).toMatch(/^error: notes\.db: .*Monitor/);
		expect(sha256(readFileSync(join(dir, 'a.db')))).toBe(before);
		expect((await run(dir, 'merge', 'a.db')).err.join('')).toMatch(
			/merge takes two database files/,
		);
	});
});
