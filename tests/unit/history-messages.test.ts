/**
 * The message dictionary: messages that quote the check's own response time share one template, in
 * either rounding of a half millisecond, and anything else is kept as text.
 */
import { describe, expect, it } from 'vitest';
import {
	HALF_DOWN,
	HALF_UP,
	MessageDictionary,
	messageOf,
	TEXT,
} from '../../src/worker/stores/history/messages';

describe('message dictionary', () => {
	it('makes one template of messages that quote their own duration', () => {
		const dictionary = new MessageDictionary();
		const indexes = [
			dictionary.indexOf('HTTP 200 in 87 ms', 873),
			dictionary.indexOf('HTTP 200 in 120 ms', 1204),
			dictionary.indexOf('HTTP 200 in 9 ms', 86),
		];
		expect(new Set(indexes).size).toBe(1);
		expect(dictionary.entries).toEqual([{ kind: HALF_UP, prefix: 'HTTP 200 in ', suffix: ' ms' }]);
	});

	it('keeps both roundings of x.5 ms, and reuses either for durations that are not halves', () => {
		const dictionary = new MessageDictionary();
		const up = dictionary.indexOf('HTTP 200 in 88 ms', 875);
		const down = dictionary.indexOf('HTTP 200 in 87 ms', 875);
		expect(up).not.toBe(down);
		expect(dictionary.entries[down]).toEqual({
			kind: HALF_DOWN,
			prefix: 'HTTP 200 in ',
			suffix: ' ms',
		});
		// Whichever the previous check used, as long as it gives the message back: runs stay long.
		expect(dictionary.indexOf('HTTP 200 in 90 ms', 901)).toBe(down);
		expect(dictionary.indexOf('HTTP 200 in 88 ms', 875)).toBe(up);
		expect(dictionary.indexOf('HTTP 200 in 91 ms', 909)).toBe(up);
		expect(dictionary.entries).toHaveLength(2);
		for (const [index, tenths, text] of [
			[up, 875, 'HTTP 200 in 88 ms'],
			[down, 875, 'HTTP 200 in 87 ms'],
			[down, 901, 'HTTP 200 in 90 ms'],
		] as const)
			expect(messageOf(dictionary.entries[index]!, tenths)).toBe(text);
	});

	it('templates the duration, not a status that happens to be the same number', () => {
		const dictionary = new MessageDictionary();
		dictionary.indexOf('HTTP 200 in 200 ms', 2000);
		expect(dictionary.entries[0]).toEqual({ kind: HALF_UP, prefix: 'HTTP 200 in ', suffix: ' ms' });
	});

	it('keeps as text what does not quote the duration as a number of its own', () => {
		const dictionary = new MessageDictionary();
		dictionary.indexOf('No answer within 10 s', 100_012);
		dictionary.indexOf('took 1870 ms', 870); // 87 ms, inside 1870
		dictionary.indexOf('', 0);
		expect(dictionary.entries.map((e) => e.kind)).toEqual([TEXT, TEXT, TEXT]);
		expect(dictionary.entries[1]!.prefix).toBe('took 1870 ms');
	});
});
