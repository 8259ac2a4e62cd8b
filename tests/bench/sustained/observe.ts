/**
 * What a check of each kind of target observes, as runCheck would report it (the same outcomes and
 * message shapes), for the history the scenario starts from.
 */
import type { Observation } from '../../../src/worker/domain/checks/http';
import {
	hash01,
	inOutage,
	kindOf,
	SLOW_LIMIT_MS,
	slowDelayMs,
	STALL_TIMEOUT_MS,
	type Weather,
} from './plan';

const UNREACHABLE = 'Unreachable: no answer from the server (Failed to fetch)';
const CORS_BLOCKED = 'The server answered, but does not allow this app to read the answer (CORS)';

function up(at: number, ms: number): Observation {
	return {
		startedAt: at,
		corsBlocked: false,
		durationMs: ms,
		outcome: 'up',
		httpStatus: 200,
		message: `HTTP 200 in ${Math.round(ms)} ms`,
	};
}

function down(at: number, ms: number, httpStatus: number | null, message: string): Observation {
	return {
		startedAt: at,
		corsBlocked: false,
		durationMs: ms,
		outcome: 'down',
		httpStatus,
		message,
	};
}

// Called for every check of 30 days of history (millions of times): no closures, few allocations.
export function observe(index: number, at: number, weather: Weather): Observation {
	const jitter = hash01(index, 3, at);
	const fast = 3 + jitter * jitter * 40;
	switch (kindOf(index)) {
		case 'fast':
		case 'keyword':
		case 'json':
			return up(at, fast);
		case 'slow': {
			const ms = slowDelayMs(index, at, weather, jitter) + 2;
			if (ms <= SLOW_LIMIT_MS) return up(at, ms);
			return {
				...up(at, ms),
				outcome: 'degraded',
				message: `HTTP 200 in ${Math.round(ms)} ms, slower than ${SLOW_LIMIT_MS} ms`,
			};
		}
		case 'plain':
			return { ...up(at, fast), httpStatus: null, message: `Reachable in ${Math.round(fast)} ms` };
		case 'error':
			return down(at, fast, 500, 'HTTP 500, expected 200-299');
		case 'hangup':
			return down(at, fast, null, UNREACHABLE);
		case 'flaky':
			if (!inOutage(index, at, weather)) return up(at, fast);
			return down(at, fast, 503, 'HTTP 503, expected 200-299');
		case 'cors':
			return { ...down(at, fast * 2, null, CORS_BLOCKED), corsBlocked: true };
		case 'stall':
			return down(
				at,
				STALL_TIMEOUT_MS + jitter * 5,
				null,
				`No answer within ${STALL_TIMEOUT_MS / 1000} s`,
			);
	}
}
