/** Tags: a name and a colour, many per monitor. Validation shared by the form and the worker. */

export interface Tag {
	id: number;
	name: string;
	/** `#rrggbb`, lowercase. */
	colour: string;
}

export interface TagInput {
	name: string;
	colour: string;
}

export const TAG_NAME_MAX = 40;
/** A monitor carries at most this many tags. */
export const TAGS_PER_MONITOR_MAX = 20;

/** The palette the form offers (each readable as a chip's border and dot in light and dark themes). */
export const TAG_COLOURS = [
	{ value: '#2563eb', name: 'Blue' },
	{ value: '#16a34a', name: 'Green' },
	{ value: '#dc2626', name: 'Red' },
	{ value: '#d97706', name: 'Amber' },
	{ value: '#7c3aed', name: 'Violet' },
	{ value: '#db2777', name: 'Pink' },
	{ value: '#0891b2', name: 'Cyan' },
	{ value: '#64748b', name: 'Slate' },
] as const;

export type TagErrors = Partial<Record<'name' | 'colour', string>>;

export function validateTagInput(
	input: unknown,
): { ok: true; value: TagInput } | { ok: false; errors: TagErrors } {
	const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
	const errors: TagErrors = {};
	const name = typeof raw.name === 'string' ? raw.name.trim().replace(/\s+/g, ' ') : '';
	if (!name) errors.name = 'Give the tag a name.';
	else if (name.length > TAG_NAME_MAX)
		errors.name = `Keep the tag's name under ${TAG_NAME_MAX} characters.`;
	const colour = typeof raw.colour === 'string' ? raw.colour.trim().toLowerCase() : '';
	if (!/^#[0-9a-f]{6}$/.test(colour)) errors.colour = 'A colour is written #rrggbb.';
	if (Object.keys(errors).length > 0) return { ok: false, errors };
	return { ok: true, value: { name, colour } };
}

/** A monitor's tag ids from untrusted input: unique positive integers, at most TAGS_PER_MONITOR_MAX. */
export function readTagIds(
	value: unknown,
): { ok: true; ids: number[] } | { ok: false; error: string } {
	if (value === undefined || value === null) return { ok: true, ids: [] };
	if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v) && (v as number) > 0))
		return { ok: false, error: 'Tags are a list of tag ids.' };
	const ids = [...new Set(value as number[])].sort((a, b) => a - b);
	if (ids.length > TAGS_PER_MONITOR_MAX)
		return { ok: false, error: `A monitor carries at most ${TAGS_PER_MONITOR_MAX} tags.` };
	return { ok: true, ids };
}

/** What the list's selection can do to its monitors at once. */
export type BulkAction =
	{ kind: 'tag' | 'untag'; tagId: number } | { kind: 'pause' | 'resume' | 'delete' };

export const BULK_MAX = 1000;

/** A bulk call's arguments from untrusted input, or why they are refused. */
export function readBulk(
	ids: unknown,
	action: unknown,
): { ok: true; ids: number[]; action: BulkAction } | { ok: false; error: string } {
	if (
		!Array.isArray(ids) ||
		ids.length > BULK_MAX ||
		!ids.every((v) => Number.isSafeInteger(v) && (v as number) > 0)
	)
		return { ok: false, error: `Choose between 1 and ${BULK_MAX} monitors by id.` };
	const raw = (typeof action === 'object' && action !== null ? action : {}) as Record<
		string,
		unknown
	>;
	const unique = [...new Set(ids as number[])];
	if (raw.kind === 'pause' || raw.kind === 'resume' || raw.kind === 'delete')
		return { ok: true, ids: unique, action: { kind: raw.kind } };
	if (raw.kind === 'tag' || raw.kind === 'untag') {
		if (!Number.isSafeInteger(raw.tagId) || (raw.tagId as number) <= 0)
			return { ok: false, error: 'A tag id is a positive whole number.' };
		return { ok: true, ids: unique, action: { kind: raw.kind, tagId: raw.tagId as number } };
	}
	return { ok: false, error: 'The action is one of tag, untag, pause, resume and delete.' };
}
