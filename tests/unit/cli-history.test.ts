/**
 * `generate-history` and `history`: what the history command prints for a generated file is exactly the
 * generator's checks for that seed (compared as a hash), whether they sit in blocks or rows; options are
 * checked with one-line errors.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLine } from '../../src/cli/history-format';
import { main } from '../../src/cli/main';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { quantizeDuration } from '../../src/worker/stores/history/checks';
import { newEngine } from './helpers';

const DAY = 86_400_000;
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

const hash = (lines: readonly string[]) =>
	createHash('sha256').update(lines.join('\n')).digest('hex');

function generated(seed: number, monitor: number, days: number, intervalS: number): string[] {
	return [
		...syntheticChecks({
			seed,
			monitorId: monitor,
			from: TO - days * DAY,
			to: TO,
			intervalMs: intervalS * 1000,
		}),
	]
		.map((c) => ({ ...c, durationMs: quantizeDuration(c.durationMs) }))
		.sort((a, b) => a.startedAt - b.startedAt)
		.map(jsonLine);
}

describe('generate-history and history', () => {
	it("print back exactly the generator's checks for a seed, from blocks and rows alike", async () => {
		const dir = mkdtempSync(join(tmpdir(), 'monitor-history-'));
		const args = [
			'--monitors',
			'2',
			'--interval',
			'60',
			'--days',
			'3',
			'--seed',
			'42',
			'--to',
			'2026-01-10',
		];
		const made = await run(dir, 'generate-history', 'h.db', ...args);
		expect(made.err).toEqual([]);
		expect(made.out[0]).toMatch(/2 monitors, .* checks \(\d+ blocks, [\d,]+ rows\)/);
		for (const monitor of [1, 2]) {
			const printed = await run(
				dir,
				'history',
				'h.db',
				'--monitor',
				`synthetic ${monitor}`,
				'--format',
				'json',
			);
			expect(printed.code).toBe(0);
			expect(printed.out.length).toBeGreaterThan(3000);
			expect(hash(printed.out)).toBe(hash(generated(42, monitor, 3, 60)));
		}
		// The same seed gives the same checks in another file (the ledger's timings differ, so not the bytes).
		expect((await run(dir, 'generate-history', 'h2.db', ...args)).code).toBe(0);
		const blocks = async (name: string) =>
			(await newEngine(new Uint8Array(readFileSync(join(dir, name)))))
				.all<{ body: Uint8Array }>('SELECT body FROM history_blocks ORDER BY id')
				.map((r) => Buffer.from(r.body).toString('hex'));
		expect(await blocks('h2.db')).toEqual(await blocks('h.db'));
		// A range in CSV: a header, then the checks that started in it.
		const range = await run(
			dir,
			'history',
			'h.db',
			'--monitor',
			'1',
			'--from',
			'2026-01-07T05:00Z',
			'--to',
			'2026-01-07T07:00Z',
		);
		expect(range.out[0]).toBe('due_at,started_at,duration_ms,outcome,http_status,message,mode');
		expect(range.out.length - 1).toBe(
			generated(42, 1, 3, 60).filter((l) => {
				const at = (JSON.parse(l) as { startedAt: number }).startedAt;
				return at >= Date.UTC(2026, 0, 7, 5) && at < Date.UTC(2026, 0, 7, 7);
			}).length,
		);
	});

	it('refuse bad options with one line', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'monitor-history-'));
		await run(
			dir,
			'generate-history',
			'h.db',
			'--monitors',
			'1',
			'--interval',
			'60',
			'--days',
			'1',
		);
		const cases: [string[], RegExp][] = [
			[['history', 'h.db'], /needs --monitor/],
			[['history', 'h.db', '--monitor', 'nope'], /no monitor has the id or name "nope"/],
			[['history', 'h.db', '--monitor', '1', '--format', 'xml'], /--format takes csv or json/],
			[['history', 'h.db', '--monitor', '1', '--from', 'yesterday'], /--from takes an ISO 8601/],
			[
				['history', 'h.db', '--monitor', '1', '--days', '3'],
				/--days only applies to generate-history/,
			],
			[
				['generate-history', 'h.db', '--monitors', '1', '--interval', '5', '--days', '1'],
				/--interval takes a whole number from 10/,
			],
			[['generate-history', 'h.db', '--interval', '60', '--days', '1'], /--monitors is required/],
			[['status', 'h.db', '--monitor', '1'], /--monitor only applies to history/],
		];
		for (const [args, message] of cases) {
			const result = await run(dir, ...args);
			expect(result.code).toBe(2);
			expect(result.err).toHaveLength(1);
			expect(result.err[0]).toMatch(message);
		}
	});
});
