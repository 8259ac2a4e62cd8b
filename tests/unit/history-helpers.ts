/**
 * What the history tests share: fast-check series of checks, what the scheduler writes (a steady step,
 * small lateness, templated messages) mixed with everything it could in principle write (gaps, clocks
 * stepping back, durations of 0 and of days, any status, any Unicode message, both modes); a
 * decompression bomb; and the one refusal every damaged block must meet.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { expect } from 'vitest';
import { AppError } from '../../src/shared/errors';
import type { HistoryCheck } from '../../src/worker/stores/history/checks';
import { MAX_DURATION_TENTHS, MAX_TIME } from '../../src/worker/stores/history/checks';

const MINUTE = 60_000;

const tenths = fc.oneof(
	{ weight: 6, arbitrary: fc.integer({ min: 100, max: 9_000 }) },
	{ weight: 1, arbitrary: fc.constant(0) },
	// Where a duration needs one more byte.
	{
		weight: 1,
		arbitrary: fc.constantFrom(255, 256, 65_535, 65_536, 2 ** 24 - 1, 2 ** 24, 2 ** 32),
	},
	{ weight: 1, arbitrary: fc.integer({ min: 0, max: 20 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_DURATION_TENTHS }) },
	{ weight: 1, arbitrary: fc.constant(MAX_DURATION_TENTHS) },
);

const status = fc.oneof(
	fc.constant(null),
	fc.constantFrom(200, 204, 301, 404, 500, 503),
	fc.integer({ min: 0, max: 999 }),
);

/** The gap from one due time to the next: mostly the step, sometimes anything, backwards included. */
const dueGap = (step: number) =>
	fc.oneof(
		{ weight: 8, arbitrary: fc.constant(step) },
		{ weight: 1, arbitrary: fc.integer({ min: -step, max: 3 * step }) },
		{
			weight: 1,
			arbitrary: fc.integer({ min: -30 * 24 * 60 * MINUTE, max: 30 * 24 * 60 * MINUTE }),
		},
	);

const lateness = fc.oneof(
	{ weight: 6, arbitrary: fc.integer({ min: 0, max: 5 }) },
	{ weight: 1, arbitrary: fc.integer({ min: -60_000, max: 600_000 }) },
	{ weight: 1, arbitrary: fc.integer({ min: -MAX_TIME, max: MAX_TIME }) },
);

const text = fc.oneof(
	fc.constant(''),
	fc.string({ unit: 'grapheme', maxLength: 12 }),
	fc.string({ unit: 'binary', maxLength: 12 }),
	fc.constantFrom(
		'No answer within 10 s',
		'Unreachable: no answer from the server (Failed to fetch)',
	),
);

/** A message written from the check's own duration, the way the app quotes it, or any text. */
const messageFor = (duration: number, httpStatus: number | null) =>
	fc.oneof(
		{
			weight: 4,
			arbitrary: fc
				.tuple(fc.constantFrom(5, 4), fc.constantFrom('', ', slower than 500 ms'))
				.map(
					([half, tail]) =>
						`${httpStatus === null ? 'Reachable' : `HTTP ${httpStatus}`} in ${Math.floor((duration + half) / 10)} ms${tail}`,
				),
		},
		{
			weight: 1,
			arbitrary: fc
				.tuple(text, text)
				.map(([before, after]) => `${before}${Math.floor((duration + 5) / 10)}${after}`),
		},
		{ weight: 2, arbitrary: text },
	);

interface Draft {
	gap: number;
	late: number;
	tenths: number;
	outcome: HistoryCheck['outcome'];
	httpStatus: number | null;
	mode: HistoryCheck['mode'];
}

const draft = (step: number): fc.Arbitrary<Draft> =>
	fc.record({
		gap: dueGap(step),
		late: lateness,
		tenths,
		outcome: fc.constantFrom('up', 'up', 'up', 'degraded', 'down', 'maintenance'),
		httpStatus: status,
		mode: fc.constantFrom('full', 'reachability'),
	});

const clampTime = (value: number) => Math.min(MAX_TIME, Math.max(0, value));

/** Series of 1 … `maxLength` checks, with runs (outcome, status, mode) that repeat like real ones do. */
export function checkSeries(maxLength = 200): fc.Arbitrary<HistoryCheck[]> {
	return fc
		.tuple(
			fc.integer({ min: 0, max: MAX_TIME }),
			fc.constantFrom(10_000, 60_000, 300_000, 86_400_000),
			fc.integer({ min: 1, max: 8 }),
		)
		.chain(([start, step, runLength]) =>
			fc.array(draft(step), { minLength: 1, maxLength }).chain((drafts) => {
				let due = start;
				const rows = drafts.map((d, index) => {
					// Repeat the previous check's categorical columns within a run, as a monitor's history does.
					const lead = drafts[index - (index % runLength)]!;
					due = clampTime(due + (index === 0 ? 0 : d.gap));
					return { ...d, ...pick(lead), dueAt: due, startedAt: clampTime(due + d.late) };
				});
				return fc.tuple(
					...rows.map((row) =>
						messageFor(row.tenths, row.httpStatus).map((message): HistoryCheck => ({
							dueAt: row.dueAt,
							startedAt: row.startedAt,
							durationMs: row.tenths / 10,
							outcome: row.outcome,
							httpStatus: row.httpStatus,
							message,
							mode: row.mode,
						})),
					),
				);
			}),
		);
}

const pick = ({ outcome, httpStatus, mode }: Draft) => ({ outcome, httpStatus, mode });

let bombBytes: Uint8Array | undefined;

/** 64 MiB of zeros as a raw deflate stream of 64 KB: four times what any block may inflate to. */
export function bomb(): Uint8Array {
	bombBytes ??= zlib.deflateRawSync(new Uint8Array(64 * 1024 * 1024));
	return bombBytes;
}

/** `work` fails with `history-block-corrupt`; gives the error's message. */
export async function refusal(work: Promise<unknown>): Promise<string> {
	const error = await work.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(AppError);
	expect((error as AppError).code).toBe('history-block-corrupt');
	return (error as AppError).message;
}
