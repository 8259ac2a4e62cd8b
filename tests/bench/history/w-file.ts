/**
 * The reference workload W (`monitors` × 60 s × 90 days, seed 2026) as a file, built once with the
 * generator (the app's own stores) and kept in tests/bench/.cache/ (git-ignored): building the whole of W
 * takes a minute or more, and the UI benchmark only needs to read it.
 *
 * The history ends at the last 6-hour boundary before now, so it ends "today" as a person's would (a
 * 30-day chart is relative to now). A cached file is used while it is under 6 hours old: until then no
 * span of its rows has closed more than a day ago, so the app's compaction job finds nothing to do and
 * does not run during the measurement (nor does rotation: its oldest block ends after the retention cutoff).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateInto } from '../../../src/cli/commands/generate-history';
import { DEFAULT_MIGRATIONS, loadSql, readMigrations } from '../../../src/cli/database';
import { openEngine } from '../../../src/worker/core/connection';
import { migrate } from '../../../src/worker/core/migrations/runner';

const SIX_HOURS = 6 * 3_600_000;
export const CACHE = join(import.meta.dirname, '../.cache');
export const W_SEED = 2026;
export const W_DAYS = 90;

export interface WFile {
	path: string;
	/** The history's end (epoch ms): no check starts at or after it. */
	to: number;
	checks: number | null;
	/** ms to build it, or null when it came from the cache. */
	buildMs: number | null;
}

export async function wFile(monitors: number, now = Date.now()): Promise<WFile> {
	const to = Math.floor(now / SIX_HOURS) * SIX_HOURS;
	const stamp = new Date(to).toISOString().slice(0, 13).replace(/[-T:]/g, '');
	const name = `w-${monitors}-${stamp}.db`;
	const path = join(CACHE, name);
	if (existsSync(path)) return { path, to, checks: null, buildMs: null };
	mkdirSync(CACHE, { recursive: true });
	for (const old of readdirSync(CACHE))
		if (old.startsWith(`w-${monitors}-`)) rmSync(join(CACHE, old), { force: true });
	const started = performance.now();
	const engine = openEngine(await loadSql());
	try {
		migrate(engine, await readMigrations(DEFAULT_MIGRATIONS));
		const built = await generateInto(engine, {
			monitors,
			intervalS: 60,
			days: W_DAYS,
			seed: W_SEED,
			to,
		});
		writeFileSync(`${path}.tmp`, engine.db.export());
		renameSync(`${path}.tmp`, path);
		return { path, to, checks: built.checks, buildMs: performance.now() - started };
	} finally {
		engine.db.close();
	}
}
