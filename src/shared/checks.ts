/**
 * What a check looks at and how it is judged, in the spirit of Gatus's conditions: accepted status codes,
 * a response-time threshold (degraded above it), a keyword in the body, a JSON field compared with a value.
 * Pure data and validation, shared by the form and the worker.
 */

/**
 * `full`: a CORS request. Status, headers and body are visible, so every condition and custom headers work,
 * but only if the server allows cross-origin requests.
 * `reachability`: a no-cors request. Any server answers it, but the browser hides the answer: it tells only
 * whether the server responded, and how fast.
 */
export type CheckMode = 'full' | 'reachability';
export const CHECK_MODES: readonly CheckMode[] = ['full', 'reachability'];

export type Outcome = 'up' | 'down' | 'degraded';
export type MonitorState = 'unknown' | Outcome;
/**
 * What a check row records: a judged outcome, or `maintenance` for a check run during a maintenance
 * window (src/shared/maintenance.ts), which counts neither as up nor as down.
 */
export type CheckOutcome = Outcome | 'maintenance';

export const JSON_OPERATORS = ['==', '!=', '<', '<=', '>', '>=', 'contains'] as const;
export type JsonOperator = (typeof JSON_OPERATORS)[number];

export interface Conditions {
	/** Accepted status codes, e.g. "200-299, 304". Empty means the default, 200–299. */
	statusCodes?: string;
	/** Above this response time the monitor is degraded. */
	maxResponseMs?: number;
	keyword?: { text: string; present: boolean };
	json?: { path: string; operator: JsonOperator; value: string };
}

export const DEFAULT_STATUS_CODES = '200-299';
export const MAX_HEADERS = 20;

export type ConditionErrors = Partial<
	Record<'conditions' | 'statusCodes' | 'maxResponseMs' | 'keyword' | 'json' | 'headers', string>
>;

/** "200-299, 304" -> [[200, 299], [304, 304]]; null when the text is not a list of codes and ranges. */
export function parseStatusRanges(text: string): [number, number][] | null {
	const parts = text
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	if (parts.length === 0) return null;
	const ranges: [number, number][] = [];
	for (const part of parts) {
		const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
		if (!match) return null;
		const low = Number(match[1]);
		const high = Number(match[2] ?? match[1]);
		if (low < 100 || high > 599 || low > high) return null;
		ranges.push([low, high]);
	}
	return ranges;
}

export function statusAccepted(status: number, codes: string | undefined): boolean {
	const ranges = parseStatusRanges(codes?.trim() ? codes : DEFAULT_STATUS_CODES) ?? [[200, 299]];
	return ranges.some(([low, high]) => status >= low && status <= high);
}

/** `data.items[0].status` -> ['data', 'items', 0, 'status']; null when malformed. */
export function parseJsonPath(path: string): (string | number)[] | null {
	const trimmed = path.trim().replace(/^\$\.?/, '');
	const key = '[A-Za-z_$][\\w$-]*';
	if (!new RegExp(`^(${key}|\\[\\d+\\])(\\.${key}|\\[\\d+\\])*$`).test(trimmed)) return null;
	return [...trimmed.matchAll(new RegExp(`(${key})|\\[(\\d+)\\]`, 'g'))].map((m) =>
		m[2] !== undefined ? Number(m[2]) : m[1]!,
	);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function validateConditions(
	conditions: Conditions,
	headers: Record<string, string>,
	mode: CheckMode,
): ConditionErrors {
	const errors: ConditionErrors = {};
	if (conditions.statusCodes?.trim() && !parseStatusRanges(conditions.statusCodes))
		errors.statusCodes = 'List status codes or ranges between 100 and 599, e.g. 200-299, 304.';
	if (conditions.maxResponseMs !== undefined) {
		const ms = conditions.maxResponseMs;
		if (!Number.isInteger(ms) || ms < 1 || ms > 120_000)
			errors.maxResponseMs = 'The response-time threshold is between 1 ms and 120 s.';
	}
	if (conditions.keyword && !conditions.keyword.text.trim())
		errors.keyword = 'Enter the text to look for.';
	if (conditions.json) {
		if (!parseJsonPath(conditions.json.path))
			errors.json = 'A JSON path looks like status or data.items[0].state.';
		else if (!JSON_OPERATORS.includes(conditions.json.operator))
			errors.json = 'Choose how to compare.';
	}
	const names = Object.keys(headers);
	if (names.length > MAX_HEADERS) errors.headers = `At most ${MAX_HEADERS} headers.`;
	else if (names.some((n) => !HEADER_NAME.test(n)))
		errors.headers = 'A header name is letters, digits and - only.';
	else if (Object.values(headers).some((v) => typeof v !== 'string' || /[\r\n]/.test(v)))
		errors.headers = 'Header values are single lines of text.';

	if (mode === 'reachability') {
		const needsFull = conditions.statusCodes?.trim() || conditions.keyword || conditions.json;
		if (needsFull)
			errors.statusCodes ??=
				'Reachability mode cannot see the status or the body; use full mode for these conditions.';
		if (names.length > 0)
			errors.headers = 'Reachability mode cannot send custom headers; use full mode.';
	}
	return errors;
}

/**
 * Why `value` is not a conditions object (a JSON object whose fields have their types), or null when
 * it is one. Conditions that cannot be read are refused, never read as "none": a keyword check quietly
 * becoming a plain status check would report "up" for a page that lost its content.
 */
export function conditionsProblem(value: unknown): string | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		return 'The conditions are not a JSON object.';
	const v = value as Record<string, unknown>;
	const wrong = (field: string, is: boolean) => (v[field] === undefined || is ? null : field);
	const keyword = v.keyword as Record<string, unknown> | undefined;
	const json = v.json as Record<string, unknown> | undefined;
	const bad =
		wrong('statusCodes', typeof v.statusCodes === 'string') ??
		wrong('maxResponseMs', typeof v.maxResponseMs === 'number') ??
		wrong(
			'keyword',
			isObject(keyword) &&
				typeof keyword.text === 'string' &&
				(keyword.present === undefined || typeof keyword.present === 'boolean'),
		) ??
		wrong(
			'json',
			isObject(json) &&
				typeof json.path === 'string' &&
				typeof json.value === 'string' &&
				JSON_OPERATORS.includes(json.operator as JsonOperator),
		);
	return bad ? `The conditions' ${bad} has the wrong form.` : null;
}

/** Parses stored conditions text: the conditions, or why they cannot be read. */
export function parseConditions(
	text: string,
): { ok: true; value: Conditions } | { ok: false; error: string } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, error: 'The conditions are not valid JSON.' };
	}
	const problem = conditionsProblem(value);
	return problem ? { ok: false, error: problem } : { ok: true, value: readConditions(value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a conditions object already checked by `conditionsProblem`, keeping its known fields. */
export function readConditions(value: unknown): Conditions {
	if (typeof value !== 'object' || value === null) return {};
	const v = value as Record<string, unknown>;
	const out: Conditions = {};
	if (typeof v.statusCodes === 'string') out.statusCodes = v.statusCodes;
	if (typeof v.maxResponseMs === 'number') out.maxResponseMs = v.maxResponseMs;
	const keyword = v.keyword as Record<string, unknown> | undefined;
	if (keyword && typeof keyword.text === 'string')
		out.keyword = { text: keyword.text, present: keyword.present !== false };
	const json = v.json as Record<string, unknown> | undefined;
	if (json && typeof json.path === 'string' && typeof json.value === 'string')
		out.json = {
			path: json.path,
			operator: JSON_OPERATORS.includes(json.operator as JsonOperator)
				? (json.operator as JsonOperator)
				: '==',
			value: json.value,
		};
	return out;
}

export function readHeaders(value: unknown): Record<string, string> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
	return Object.fromEntries(
		Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
	);
}
