/**
 * Judges one HTTP response against a monitor's conditions. Pure: the scheduler and the unit tests feed
 * it responses; nothing here touches the network.
 */
import {
	DEFAULT_STATUS_CODES,
	parseJsonPath,
	statusAccepted,
	type Conditions,
	type JsonOperator,
	type Outcome,
} from '../../../shared/checks';
import { CHECK_MESSAGE_MAX, clip } from '../../../shared/format';

/** How much of a JSON value a failed condition quotes: enough to see what came, never the body. */
const ACTUAL_MAX = 80;

export interface SeenResponse {
	status: number;
	durationMs: number;
	/** The body as text, when the condition set needs it; null otherwise. */
	body: string | null;
}

export interface Verdict {
	outcome: Outcome;
	message: string;
}

export function needsBody(conditions: Conditions): boolean {
	return Boolean(conditions.keyword || conditions.json);
}

export function evaluate(response: SeenResponse, conditions: Conditions): Verdict {
	const verdict = judge(response, conditions);
	return { ...verdict, message: clip(verdict.message, CHECK_MESSAGE_MAX) };
}

function judge(response: SeenResponse, conditions: Conditions): Verdict {
	if (!statusAccepted(response.status, conditions.statusCodes)) {
		const expected = conditions.statusCodes?.trim() || DEFAULT_STATUS_CODES;
		return { outcome: 'down', message: `HTTP ${response.status}, expected ${expected}` };
	}
	if (conditions.keyword) {
		const found = (response.body ?? '').includes(conditions.keyword.text);
		if (found !== conditions.keyword.present) {
			const what = conditions.keyword.present ? 'not found' : 'found';
			return {
				outcome: 'down',
				message: `HTTP ${response.status}, keyword “${conditions.keyword.text}” ${what}`,
			};
		}
	}
	if (conditions.json) {
		const failure = checkJson(response.body, conditions.json);
		if (failure) return { outcome: 'down', message: `HTTP ${response.status}, ${failure}` };
	}
	const took = Math.round(response.durationMs);
	if (conditions.maxResponseMs !== undefined && response.durationMs > conditions.maxResponseMs) {
		return {
			outcome: 'degraded',
			message: `HTTP ${response.status} in ${took} ms, slower than ${conditions.maxResponseMs} ms`,
		};
	}
	return { outcome: 'up', message: `HTTP ${response.status} in ${took} ms` };
}

function checkJson(body: string | null, rule: NonNullable<Conditions['json']>): string | null {
	let document: unknown;
	try {
		document = JSON.parse(body ?? '');
	} catch {
		return 'the body is not JSON';
	}
	const path = parseJsonPath(rule.path) ?? [];
	let value: unknown = document;
	for (const step of path) {
		if (value === null || typeof value !== 'object') return `${rule.path} is missing`;
		value = (value as Record<string | number, unknown>)[step];
	}
	if (value === undefined) return `${rule.path} is missing`;
	return compare(value, rule.operator, rule.value)
		? null
		: `${rule.path} is ${clip(JSON.stringify(value), ACTUAL_MAX)}, expected ${rule.operator} ${rule.value}`;
}

function compare(actual: unknown, operator: JsonOperator, expected: string): boolean {
	if (operator === 'contains') {
		if (Array.isArray(actual)) return actual.some((item) => String(item) === expected);
		return String(actual).includes(expected);
	}
	const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
	const numeric = Number(expected);
	const bothNumbers =
		typeof actual === 'number' && expected.trim() !== '' && Number.isFinite(numeric);
	switch (operator) {
		case '==':
			return bothNumbers ? actual === numeric : text === expected;
		case '!=':
			return bothNumbers ? actual !== numeric : text !== expected;
		default: {
			if (!bothNumbers) return false;
			if (operator === '<') return actual < numeric;
			if (operator === '<=') return actual <= numeric;
			if (operator === '>') return actual > numeric;
			return actual >= numeric;
		}
	}
}
