/**
 * The message column's per-block dictionary. Most messages of a healthy monitor differ only by the response
 * time they quote ("HTTP 200 in 87 ms", "Reachable in 112 ms"), so an entry may be a template: the text
 * before and after a number that is the check's own duration rounded to whole milliseconds. One template
 * then serves every check of a quiet day, and nothing is lost: an entry is only used for a check when it
 * gives back that check's message exactly.
 *
 * Two rounding kinds exist because the message was written from the unrounded duration: when the tenths end
 * in 5 (x.5 ms), the original may have been just below or just above the half.
 */
import type { ByteReader, ByteWriter } from './bytes';
import { blockCorrupt, checkUnstorable } from './errors';

export const TEXT = 0;
export const HALF_UP = 1;
export const HALF_DOWN = 2;
export type EntryKind = typeof TEXT | typeof HALF_UP | typeof HALF_DOWN;

export interface MessageEntry {
	kind: EntryKind;
	/** The whole message for TEXT; the text before the number for a template. */
	prefix: string;
	/** Empty for TEXT; the text after the number for a template. */
	suffix: string;
}

/** The whole milliseconds a template quotes for a duration of `tenths`. */
export function quotedMs(kind: typeof HALF_UP | typeof HALF_DOWN, tenths: number): number {
	return Math.floor((tenths + (kind === HALF_UP ? 5 : 4)) / 10);
}

export function messageOf(entry: MessageEntry, tenths: number): string {
	if (entry.kind === TEXT) return entry.prefix;
	return `${entry.prefix}${quotedMs(entry.kind, tenths)}${entry.suffix}`;
}

const keyOf = (entry: MessageEntry) =>
	`${entry.kind}:${entry.prefix.length}:${entry.prefix}${entry.suffix}`;

const isDigit = (text: string, at: number) => {
	const code = text.charCodeAt(at);
	return code >= 48 && code <= 57;
};

/** Where `number` stands alone in `text` (not inside a longer number), last first. */
function placesOf(text: string, number: string): number[] {
	const places: number[] = [];
	for (let at = text.lastIndexOf(number); at >= 0; at = text.lastIndexOf(number, at - 1)) {
		if (!isDigit(text, at - 1) && !isDigit(text, at + number.length)) places.push(at);
		if (at === 0) break;
	}
	return places;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** The encoding side: hands out an entry index for each (message, duration), adding entries as needed. */
export class MessageDictionary {
	readonly entries: MessageEntry[] = [];
	readonly #indexes = new Map<string, number>();

	/** The entry the previous check used: a monitor's checks mostly repeat it. */
	#last = -1;

	indexOf(message: string, tenths: number): number {
		const last = this.entries[this.#last];
		if (last && messageOf(last, tenths) === message) return this.#last;
		this.#last = this.#search(message, tenths);
		return this.#last;
	}

	#search(message: string, tenths: number): number {
		const candidates: MessageEntry[] = [];
		for (const kind of [HALF_UP, HALF_DOWN] as const) {
			const number = String(quotedMs(kind, tenths));
			for (const at of placesOf(message, number))
				candidates.push({
					kind,
					prefix: message.slice(0, at),
					suffix: message.slice(at + number.length),
				});
		}
		candidates.push({ kind: TEXT, prefix: message, suffix: '' });
		for (const candidate of candidates) {
			const known = this.#indexes.get(keyOf(candidate));
			if (known !== undefined) return known;
		}
		return this.#add(candidates[0]!);
	}

	#add(entry: MessageEntry): number {
		if (
			strictDecoder.decode(encoder.encode(entry.prefix + entry.suffix)) !==
			entry.prefix + entry.suffix
		)
			throw checkUnstorable('a message is not well-formed Unicode (a lone surrogate)');
		const index = this.entries.length;
		this.entries.push(entry);
		this.#indexes.set(keyOf(entry), index);
		return index;
	}
}

export function writeEntries(writer: ByteWriter, entries: readonly MessageEntry[]): void {
	writer.uint(entries.length);
	for (const entry of entries) {
		writer.byte(entry.kind);
		writer.section(encoder.encode(entry.prefix));
		if (entry.kind !== TEXT) writer.section(encoder.encode(entry.suffix));
	}
}

function readText(reader: ByteReader, what: string): string {
	const bytes = reader.bytes(reader.uint());
	try {
		return strictDecoder.decode(bytes);
	} catch {
		throw blockCorrupt(`${what} is not valid UTF-8`);
	}
}

/** At most `limit` entries (a block's check count: every entry is used by some check). */
export function readEntries(reader: ByteReader, limit: number): MessageEntry[] {
	const count = reader.uint(limit);
	const entries: MessageEntry[] = [];
	const seen = new Set<string>();
	for (let index = 0; index < count; index++) {
		const kind = reader.byte();
		if (kind !== TEXT && kind !== HALF_UP && kind !== HALF_DOWN)
			throw blockCorrupt(`message entry ${index} has an unknown kind ${kind}`);
		const prefix = readText(reader, `message entry ${index}`);
		const suffix = kind === TEXT ? '' : readText(reader, `message entry ${index} suffix`);
		const entry: MessageEntry = { kind, prefix, suffix };
		const key = keyOf(entry);
		if (seen.has(key)) throw blockCorrupt(`message entry ${index} repeats an earlier one`);
		seen.add(key);
		entries.push(entry);
	}
	return entries;
}
