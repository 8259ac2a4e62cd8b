/** Checks of call arguments, shared by the handler modules: a call from a page is never trusted. */
import { AppError } from '../../../shared/errors';
import { CHART_RANGES, type ChartRange } from '../../../shared/history';

/** `what` names the value in the sentence: "A monitor id is a positive whole number." */
export function positiveId(value: unknown, what: string): number {
	if (!Number.isSafeInteger(value) || (value as number) <= 0) {
		throw new AppError('invalid-input', `${what} is a positive whole number.`);
	}
	return value as number;
}

/** A positive id, or null when none is given. */
export function optionalId(value: unknown, what: string): number | null {
	return value === null || value === undefined ? null : positiveId(value, what);
}

export function checkRange(range: unknown): ChartRange {
	if (!CHART_RANGES.includes(range as ChartRange)) {
		throw new AppError('invalid-input', `A chart range is one of ${CHART_RANGES.join(', ')}.`);
	}
	return range as ChartRange;
}
