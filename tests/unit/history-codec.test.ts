/**
 * The block codec gives back every check exactly, whatever the series, through either compression, and
 * each compression reads the other's bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCompression } from '../../src/cli/history-compression';
import { syntheticChecks } from '../../src/worker/domain/history/synthetic';
import { decodeBlock, encodeBlock } from '../../src/worker/stores/history/block';
import {
	MAX_CHECKS_PER_BLOCK,
	MAX_DURATION_TENTHS,
	quantizeDuration,
	type HistoryCheck,
} from '../../src/worker/stores/history/checks';
import { streamCompression } from '../../src/worker/stores/history/compression';
import { writePayload } from '../../src/worker/stores/history/payload';
import { summarize } from '../../src/worker/stores/history/summary';
import { checkSeries } from './history-helpers';

const DAY = 86_400_000;
const compressions = [nodeCompression, streamCompression];

const check = (overrides: Partial<HistoryCheck> = {}): HistoryCheck => ({
	dueAt: 1_767_225_600_000,
	startedAt: 1_767_225_600_002,
	durationMs: 87.3,
	outcome: 'up',
	httpStatus: 200,
	message: 'HTTP 200 in 87 ms',
	mode: 'full',
	...overrides,
});

describe('block codec round trip', () => {
	it.each(compressions.map((c) => [c.name, c] as const))(
		'gives back any series exactly (%s)',
		async (_name, compression) => {
			await fc.assert(
				fc.asyncProperty(checkSeries(), async (checks) => {
					const { body, summary } = await encodeBlock(checks, compression);
					expect(await decodeBlock(body, compression, { expect: { summary } })).toEqual(checks);
					// `maintenance` (outcome 3) survives, and the summary counts it apart.
					expect(summary.maintenance).toBe(
						checks.filter((c) => c.outcome === 'maintenance').length,
					);
				}),
				{ numRuns: 150 },
			);
		},
	);

	it('reads what the other compression wrote, both ways', async () => {
		await fc.assert(
			fc.asyncProperty(checkSeries(60), async (checks) => {
				const fromNode = await encodeBlock(checks, nodeCompression);
				const fromStreams = await encodeBlock(checks, streamCompression);
				expect(await decodeBlock(fromNode.body, streamCompression)).toEqual(checks);
				expect(await decodeBlock(fromStreams.body, nodeCompression)).toEqual(checks);
			}),
			{ numRuns: 60 },
		);
	});

	it('gives back a single check, and one at every limit', async () => {
		const limits = check({
			dueAt: 0,
			startedAt: 2 ** 47,
			durationMs: MAX_DURATION_TENTHS / 10,
			outcome: 'degraded',
			httpStatus: 999,
			message: '',
			mode: 'reachability',
		});
		for (const checks of [[check()], [limits], [check({ httpStatus: 0, outcome: 'down' })]]) {
			const { body } = await encodeBlock(checks, nodeCompression);
			expect(await decodeBlock(body, nodeCompression)).toEqual(checks);
		}
	});

	it('gives back a full synthetic day of each mode, in a few bytes per check', async () => {
		for (const mode of ['full', 'reachability'] as const) {
			const from = Date.UTC(2026, 0, 5);
			const day = [
				...syntheticChecks({
					seed: 3,
					monitorId: 1,
					from,
					to: from + DAY,
					intervalMs: 60_000,
					mode,
				}),
			];
			expect(day.length).toBeGreaterThan(1300);
			const { body } = await encodeBlock(day, nodeCompression);
			expect(await decodeBlock(body, streamCompression)).toEqual(day);
			expect(body.length / day.length).toBeLessThan(4);
		}
	});

	it('holds the most checks a block may hold', async () => {
		const many = Array.from({ length: MAX_CHECKS_PER_BLOCK }, (_, i) =>
			check({ dueAt: i * 1000, startedAt: i * 1000 + (i % 3), durationMs: (i % 997) / 10 }),
		);
		const { body } = await encodeBlock(many, nodeCompression);
		const back = await decodeBlock(body, nodeCompression);
		expect(back.length).toBe(many.length);
		expect(back).toEqual(many.map((c) => ({ ...c, message: c.message })));
	});

	it('keeps durations to a tenth of a millisecond (the value a row should hold)', async () => {
		const measured = [check({ durationMs: 87.34999 }), check({ durationMs: 87.35000000001 })];
		const { body } = await encodeBlock(measured, nodeCompression);
		const back = await decodeBlock(body, nodeCompression);
		expect(back.map((c) => c.durationMs)).toEqual([87.3, 87.4]);
		expect(back.map((c) => c.durationMs)).toEqual(
			measured.map((c) => quantizeDuration(c.durationMs)),
		);
	});

	it('summarises like a rollup: counts, and response times of answered checks only', () => {
		const summary = summarize([
			check({ startedAt: 5, durationMs: 10 }),
			check({ startedAt: 3, durationMs: 30, outcome: 'degraded' }),
			check({ startedAt: 9, durationMs: 10_000, outcome: 'down' }),
			// In a maintenance window: counted as a check, in no uptime and no response time.
			check({ startedAt: 7, durationMs: 1, outcome: 'maintenance' }),
		]);
		expect(summary).toEqual({
			checks: 4,
			up: 1,
			degraded: 1,
			down: 1,
			maintenance: 1,
			firstAt: 3,
			lastAt: 9,
			minTenths: 100,
			maxTenths: 300,
			sumTenths: 400,
		});
		expect(summarize([check({ outcome: 'down' })])).toMatchObject({
			minTenths: null,
			maxTenths: null,
			sumTenths: 0,
		});
	});

	it("writes the README's example byte for byte", () => {
		const readme = readFileSync(
			join(import.meta.dirname, '../../src/worker/stores/history/README.md'),
			'utf8',
		);
		const example = /### Example[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
		// Each line: hex bytes and "quoted text", then a description.
		const bytesOf = (line: string) => {
			const bytes: number[] = [];
			for (const token of line.trim().matchAll(/"[^"]*"|\S+/g)) {
				const text = token[0];
				if (text.startsWith('"')) bytes.push(...new TextEncoder().encode(text.slice(1, -1)));
				else if (/^[0-9a-f]{2}$/.test(text)) bytes.push(parseInt(text, 16));
				else break;
			}
			return bytes;
		};
		const lines = example.split('\n');
		const low = lines.find((l) => l.startsWith('low bytes:'))!.replace('low bytes:', '');
		const columns = lines.filter((l) => !l.startsWith('low bytes:')).flatMap(bytesOf);
		const two = [
			check({ dueAt: 1_767_225_600_000, startedAt: 1_767_225_600_003 }),
			check({
				dueAt: 1_767_225_660_000,
				startedAt: 1_767_225_660_000,
				durationMs: 10_001,
				outcome: 'down',
				httpStatus: null,
				message: 'No answer within 10 s',
			}),
		];
		const payload = writePayload(two);
		expect([...payload.columns]).toEqual(columns);
		expect(payload.columns.length).toBe(82);
		expect([...payload.lowBytes]).toEqual(bytesOf(low));
	});
});
