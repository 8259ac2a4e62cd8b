/** Monitors as the app sees them, and the one validation both the form and the worker use. */
import {
	CHECK_MODES,
	conditionsProblem,
	readConditions,
	readHeaders,
	validateConditions,
	type CheckMode,
	type ConditionErrors,
	type Conditions,
} from './checks';
import { bodyProblem, readRequestBody, type RequestBody } from './request-body';
import { readTagIds } from './tags';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const INTERVAL_MIN_S = 10;
export const INTERVAL_MAX_S = 86_400;
export const TIMEOUT_MIN_MS = 100;
export const TIMEOUT_MAX_MS = 120_000;
export const NAME_MAX = 200;
export const URL_MAX = 2_048;
export const RETRIES_MAX = 10;

export interface Monitor {
	id: number;
	name: string;
	url: string;
	method: HttpMethod;
	intervalS: number;
	timeoutMs: number;
	enabled: boolean;
	mode: CheckMode;
	/** Failed checks retried before the monitor is declared down. */
	retries: number;
	conditions: Conditions;
	headers: Record<string, string>;
	/** Sent with POST, PUT and PATCH in full mode; a secret like the headers. */
	body: RequestBody | null;
	/** The headers and body are encrypted and the passphrase has not been entered since the app started. */
	secretsLocked?: boolean;
	/** The headers could not be carried over (forgotten passphrase, import without it): enter them again. */
	needsHeaders?: boolean;
	/** The body could not be carried over: enter it again. */
	needsBody?: boolean;
	/**
	 * The stored conditions cannot be read (a damaged or hand-edited file): why. The monitor is not
	 * checked until they are saved again; checking without them would report a wrong state.
	 */
	conditionsError?: string;
	/** Its tags' ids, ascending (tags.list names them). */
	tags: number[];
	createdAt: number;
	updatedAt: number;
}

export interface MonitorInput {
	name: string;
	url: string;
	intervalS: number;
	method?: HttpMethod;
	timeoutMs?: number;
	enabled?: boolean;
	mode?: CheckMode;
	retries?: number;
	conditions?: Conditions;
	headers?: Record<string, string>;
	body?: RequestBody | null;
	/** Its tags' ids; left as they are when absent. */
	tags?: number[];
}

export type MonitorField =
	| 'name'
	| 'url'
	| 'intervalS'
	| 'method'
	| 'timeoutMs'
	| 'enabled'
	| 'mode'
	| 'retries'
	| 'body'
	| 'tags';
export type FieldErrors = Partial<Record<MonitorField, string>> & ConditionErrors;

/** A valid input: tags stay optional (absent leaves a monitor's tags as they are). */
export type ValidInput = Required<Omit<MonitorInput, 'tags'>> & { tags?: number[] };
export type Validated = { ok: true; value: ValidInput } | { ok: false; errors: FieldErrors };

export function defaultTimeoutMs(intervalS: number): number {
	// A check must finish before the next one is due; 10 s is plenty for an HTTP endpoint.
	return Math.min(10_000, intervalS * 1000);
}

export function validateMonitorInput(input: unknown): Validated {
	const errors: FieldErrors = {};
	const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;

	const name = typeof raw.name === 'string' ? raw.name.trim() : '';
	if (!name) errors.name = 'Give the monitor a name.';
	else if (name.length > NAME_MAX) errors.name = `Keep the name under ${NAME_MAX} characters.`;

	const url = typeof raw.url === 'string' ? raw.url.trim() : '';
	const urlError = checkUrl(url);
	if (urlError) errors.url = urlError;

	const intervalS = Number(raw.intervalS);
	if (!Number.isInteger(intervalS) || intervalS < INTERVAL_MIN_S || intervalS > INTERVAL_MAX_S)
		errors.intervalS = 'Choose an interval between 10 seconds and 1 day (whole seconds).';

	const method = raw.method ?? 'GET';
	if (!HTTP_METHODS.includes(method as HttpMethod))
		errors.method = `Method must be one of ${HTTP_METHODS.join(', ')}.`;

	const timeoutMs =
		raw.timeoutMs === undefined
			? defaultTimeoutMs(Number.isFinite(intervalS) ? intervalS : 60)
			: Number(raw.timeoutMs);
	if (!Number.isInteger(timeoutMs) || timeoutMs < TIMEOUT_MIN_MS || timeoutMs > TIMEOUT_MAX_MS)
		errors.timeoutMs = 'Timeout must be between 0.1 and 120 seconds.';

	const enabled = raw.enabled ?? true;
	if (typeof enabled !== 'boolean') errors.enabled = 'Enabled must be true or false.';

	const mode = raw.mode ?? 'full';
	if (!CHECK_MODES.includes(mode as CheckMode)) errors.mode = 'Choose full or reachability mode.';

	const retries = raw.retries === undefined ? 0 : Number(raw.retries);
	if (!Number.isInteger(retries) || retries < 0 || retries > RETRIES_MAX)
		errors.retries = `Retries are a whole number from 0 to ${RETRIES_MAX}.`;

	const conditionsError = raw.conditions === undefined ? null : conditionsProblem(raw.conditions);
	if (conditionsError) errors.conditions = conditionsError;
	const conditions = readConditions(raw.conditions);
	const headers = readHeaders(raw.headers);
	Object.assign(
		errors,
		validateConditions(
			conditions,
			headers,
			CHECK_MODES.includes(mode as CheckMode) ? (mode as CheckMode) : 'full',
		),
	);
	const body = readRequestBody(raw.body);
	if (raw.body !== undefined && raw.body !== null && typeof raw.body !== 'object')
		errors.body = 'The body has the wrong form.';
	else if (body) {
		const problem = bodyProblem(
			body,
			typeof method === 'string' ? method : '',
			typeof mode === 'string' ? mode : '',
		);
		if (problem) errors.body = problem;
	}
	const tags = readTagIds(raw.tags);
	if (!tags.ok) errors.tags = tags.error;
	if (
		typeof timeoutMs === 'number' &&
		Number.isFinite(intervalS) &&
		!errors.timeoutMs &&
		timeoutMs > intervalS * 1000
	)
		errors.timeoutMs = 'The timeout must be shorter than the interval.';

	if (Object.keys(errors).length > 0) return { ok: false, errors };
	return {
		ok: true,
		value: {
			name,
			url,
			intervalS,
			method: method as HttpMethod,
			timeoutMs,
			enabled: enabled as boolean,
			mode: mode as CheckMode,
			retries,
			conditions,
			headers,
			body,
			...(raw.tags !== undefined && tags.ok ? { tags: tags.ids } : {}),
		},
	};
}

function checkUrl(url: string): string | null {
	if (!url) return 'Enter the URL to check.';
	if (url.length > URL_MAX) return `Keep the URL under ${URL_MAX} characters.`;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'That is not a valid URL. It should look like https://example.com/health.';
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		return 'Only http:// and https:// URLs can be checked.';
	if (!parsed.hostname) return 'The URL needs a host name.';
	return null;
}

/** "90" -> "1 min 30 s"; used in lists and forms. */
export function formatInterval(seconds: number): string {
	if (seconds < 60) return `${seconds} s`;
	if (seconds < 3600) {
		const m = Math.floor(seconds / 60);
		const s = seconds % 60;
		return s ? `${m} min ${s} s` : `${m} min`;
	}
	if (seconds < 86_400) {
		const h = Math.floor(seconds / 3600);
		const m = Math.floor((seconds % 3600) / 60);
		return m ? `${h} h ${m} min` : `${h} h`;
	}
	return '1 day';
}
