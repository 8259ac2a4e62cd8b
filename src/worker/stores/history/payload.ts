/**
 * A block's columns, before compression (the layout is in README.md, "Columns"). Each column is a section
 * of its own, so the reader checks each one to its last byte. The writer refuses what it cannot give back;
 * the reader refuses anything a writer would not have written.
 */
import { ByteReader, ByteWriter, MAX_SIGNED } from './bytes';
import {
	assertStorable,
	fromTenths,
	isTime,
	MAX_CHECKS_PER_BLOCK,
	MAX_HTTP_STATUS,
	MAX_TIME,
	MODES,
	OUTCOMES,
	toTenths,
	type HistoryCheck,
} from './checks';
import { blockCorrupt, checkUnstorable } from './errors';
import { messageOf, MessageDictionary, readEntries, writeEntries } from './messages';
import { joinDurations, splitDurations } from './durations';
import { readRuns, writeRuns } from './runs';

/** The most common gap between consecutive due times (the smallest of equals): the monitor's interval. */
function usualStep(checks: readonly HistoryCheck[]): number {
	const counts = new Map<number, number>();
	for (let index = 1; index < checks.length; index++) {
		const step = checks[index]!.dueAt - checks[index - 1]!.dueAt;
		counts.set(step, (counts.get(step) ?? 0) + 1);
	}
	let best = 0;
	let bestCount = 0;
	for (const [step, count] of counts) {
		if (step >= 0 && (count > bestCount || (count === bestCount && step < best))) {
			best = step;
			bestCount = count;
		}
	}
	return best;
}

/** What a block compresses: the columns (one stream) and the durations' low bytes (a second one). */
export interface Payload {
	count: number;
	columns: Uint8Array;
	lowBytes: Uint8Array;
}

export function writePayload(checks: readonly HistoryCheck[]): Payload {
	if (checks.length === 0 || checks.length > MAX_CHECKS_PER_BLOCK)
		throw checkUnstorable(`a block holds 1 … ${MAX_CHECKS_PER_BLOCK} checks, not ${checks.length}`);
	checks.forEach(assertStorable);
	const step = usualStep(checks);
	const dictionary = new MessageDictionary();
	const dues = new ByteWriter();
	const lateness = new ByteWriter();
	const tenths: number[] = [];
	const outcomes = new Uint32Array(checks.length);
	const statuses = new Uint32Array(checks.length);
	const modes = new Uint32Array(checks.length);
	const messages = new Uint32Array(checks.length);
	checks.forEach((check, index) => {
		const duration = toTenths(check.durationMs);
		if (index > 0) dues.int(check.dueAt - checks[index - 1]!.dueAt - step);
		lateness.int(check.startedAt - check.dueAt);
		tenths.push(duration);
		outcomes[index] = OUTCOMES.indexOf(check.outcome);
		statuses[index] = check.httpStatus === null ? 0 : check.httpStatus + 1;
		modes[index] = MODES.indexOf(check.mode);
		messages[index] = dictionary.indexOf(check.message, duration);
	});
	const entries = new ByteWriter();
	writeEntries(entries, dictionary.entries);
	const durations = splitDurations(tenths);

	const columns = new ByteWriter();
	columns.uint(step);
	columns.uint(checks[0]!.dueAt);
	columns.section(entries.finish());
	columns.section(dues.finish());
	columns.section(lateness.finish());
	columns.byte(durations.width);
	columns.section(durations.high);
	columns.section(writeRuns(outcomes));
	columns.section(writeRuns(statuses));
	columns.section(writeRuns(modes));
	columns.section(writeRuns(messages));
	return { count: checks.length, columns: columns.finish(), lowBytes: durations.low };
}

export function readPayload({ count, columns, lowBytes }: Payload): HistoryCheck[] {
	if (count < 1 || count > MAX_CHECKS_PER_BLOCK) throw blockCorrupt(`a block of ${count} checks`);
	if (lowBytes.length !== count)
		throw blockCorrupt(`${lowBytes.length} low duration bytes for ${count} checks`);
	const reader = new ByteReader(columns, 'columns');
	const step = reader.uint(MAX_TIME);
	const firstDue = reader.uint(MAX_TIME);
	const entryReader = reader.section('message entries');
	const entries = readEntries(entryReader, count);
	entryReader.end();

	const dueReader = reader.section('due times');
	const dues: number[] = [firstDue];
	for (let index = 1; index < count; index++) {
		const due = dues[index - 1]! + step + dueReader.int(MAX_SIGNED);
		if (!isTime(due)) throw blockCorrupt(`due time ${index} is out of range`);
		dues.push(due);
	}
	dueReader.end();

	const lateReader = reader.section('start times');
	const starts = dues.map((due, index) => {
		const start = due + lateReader.int(MAX_SIGNED);
		if (!isTime(start)) throw blockCorrupt(`start time ${index} is out of range`);
		return start;
	});
	lateReader.end();

	const width = reader.byte();
	const tenths = joinDurations({ width, low: lowBytes, high: reader.bytes(reader.uint()) });
	const outcomes = readRuns(reader.section('outcomes'), count, OUTCOMES.length - 1, 'outcomes');
	const statuses = readRuns(
		reader.section('HTTP statuses'),
		count,
		MAX_HTTP_STATUS + 1,
		'statuses',
	);
	const modes = readRuns(reader.section('modes'), count, MODES.length - 1, 'modes');
	const messages = readRuns(reader.section('messages'), count, entries.length - 1, 'messages');
	reader.end();

	const used = new Uint8Array(entries.length);
	for (const index of messages) used[index] = 1;
	if (used.includes(0)) throw blockCorrupt('a message entry no check uses');

	return dues.map((dueAt, index) => ({
		dueAt,
		startedAt: starts[index]!,
		durationMs: fromTenths(tenths[index]!),
		outcome: OUTCOMES[outcomes[index]!]!,
		httpStatus: statuses[index] === 0 ? null : statuses[index]! - 1,
		message: messageOf(entries[messages[index]!]!, tenths[index]!),
		mode: MODES[modes[index]!]!,
	}));
}
