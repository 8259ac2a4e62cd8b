/**
 * Runs one HTTP check from the browser. What a page can observe depends on the mode (see CheckMode):
 * a full check needs the target to allow CORS; a reachability check (no-cors) works against anything but
 * sees only "answered or not" and the time. A CORS refusal looks exactly like a network error to a page,
 * so after a failed full check a no-cors probe tells the two apart.
 */
import type { CheckMode, Conditions, Outcome } from '../../../shared/checks';
import type { HttpMethod } from '../../../shared/monitors';
import { clip } from '../../../shared/format';
import { evaluate, needsBody } from './evaluate';

export interface CheckTarget {
	url: string;
	method: HttpMethod;
	timeoutMs: number;
	mode: CheckMode;
	conditions: Conditions;
	headers: Record<string, string>;
}

export interface Observation {
	startedAt: number;
	durationMs: number;
	outcome: Outcome;
	httpStatus: number | null;
	message: string;
	/** The full check failed, but the server answered a no-cors request: CORS is what stands in the way. */
	corsBlocked: boolean;
}

export interface CheckEnv {
	fetch: typeof fetch;
	now: () => number;
	/** A monotonic clock for durations (performance.now). */
	clock: () => number;
}

/** Bodies above this are not read to the end: keyword and JSON conditions look at the first megabyte. */
const BODY_LIMIT = 1024 * 1024;

export async function runCheck(target: CheckTarget, env: CheckEnv): Promise<Observation> {
	const startedAt = env.now();
	const started = env.clock();
	const elapsed = () => env.clock() - started;
	const signal = AbortSignal.timeout(target.timeoutMs);
	const base = { startedAt, corsBlocked: false };
	try {
		if (target.mode === 'reachability') {
			await env.fetch(target.url, {
				method: target.method,
				mode: 'no-cors',
				cache: 'no-store',
				credentials: 'omit',
				redirect: 'follow',
				signal,
			});
			const durationMs = elapsed();
			const slow =
				target.conditions.maxResponseMs !== undefined &&
				durationMs > target.conditions.maxResponseMs;
			return {
				...base,
				durationMs,
				outcome: slow ? 'degraded' : 'up',
				httpStatus: null,
				message: slow
					? `Reachable in ${Math.round(durationMs)} ms, slower than ${target.conditions.maxResponseMs} ms`
					: `Reachable in ${Math.round(durationMs)} ms`,
			};
		}
		const response = await env.fetch(target.url, {
			method: target.method,
			mode: 'cors',
			cache: 'no-store',
			credentials: 'omit',
			redirect: 'follow',
			headers: target.headers,
			signal,
		});
		const body = needsBody(target.conditions)
			? await readBody(response)
			: (await response.body?.cancel(), null);
		const durationMs = elapsed();
		const verdict = evaluate({ status: response.status, durationMs, body }, target.conditions);
		return { ...base, durationMs, httpStatus: response.status, ...verdict };
	} catch (error) {
		const durationMs = elapsed();
		if (signal.aborted) {
			return {
				...base,
				durationMs,
				outcome: 'down',
				httpStatus: null,
				message: `No answer within ${formatSeconds(target.timeoutMs)}`,
			};
		}
		if (target.mode === 'full' && (await answersWithoutCors(target, env))) {
			return {
				...base,
				durationMs,
				outcome: 'down',
				httpStatus: null,
				corsBlocked: true,
				message: 'The server answered, but does not allow this app to read the answer (CORS)',
			};
		}
		return {
			...base,
			durationMs,
			outcome: 'down',
			httpStatus: null,
			message: describeNetworkError(error),
		};
	}
}

async function readBody(response: Response): Promise<string> {
	const reader = response.body?.getReader();
	if (!reader) return '';
	const decoder = new TextDecoder();
	let text = '';
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		text += decoder.decode(value, { stream: true });
		if (size >= BODY_LIMIT) {
			await reader.cancel();
			break;
		}
	}
	return text + decoder.decode();
}

async function answersWithoutCors(target: CheckTarget, env: CheckEnv): Promise<boolean> {
	try {
		await env.fetch(target.url, {
			method: 'GET',
			mode: 'no-cors',
			cache: 'no-store',
			credentials: 'omit',
			signal: AbortSignal.timeout(target.timeoutMs),
		});
		return true;
	} catch {
		return false;
	}
}

function describeNetworkError(error: unknown): string {
	// Browsers deliberately report DNS, refused connections, TLS failures and resets alike.
	const detail = error instanceof Error && error.message ? ` (${clip(error.message, 120)})` : '';
	return `Unreachable: no answer from the server${detail}`;
}

function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
