/**
 * Runs one HTTP check from the browser. What a page can observe depends on the mode (see CheckMode):
 * a full check needs the target to allow CORS; a reachability check (no-cors) works against anything but
 * sees only "answered or not" and the time. A CORS refusal looks exactly like a network error to a page,
 * so after a failed full check a no-cors probe tells the two apart.
 *
 * Custom headers (an API key, a bearer token) and a request body go to the monitor's origin only: fetch
 * would carry them along a redirect to any other origin, so with either set redirects are followed here,
 * same-origin only (see fetchWithHeaders).
 */
import type { CheckMode, Conditions, Outcome } from '../../../shared/checks';
import type { HttpMethod } from '../../../shared/monitors';
import { clip } from '../../../shared/format';
import { takesBody, type RequestBody } from '../../../shared/request-body';
import { evaluate, needsBody } from './evaluate';

export interface CheckTarget {
	url: string;
	method: HttpMethod;
	timeoutMs: number;
	mode: CheckMode;
	conditions: Conditions;
	headers: Record<string, string>;
	/** Sent with POST, PUT and PATCH (full mode); its content type as the Content-Type header. */
	body?: RequestBody | null;
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
		const response = await fetchWithHeaders(target, env, signal);
		const body = needsBody(target.conditions)
			? await readBody(response)
			: (await response.body?.cancel(), null);
		const durationMs = elapsed();
		const verdict = evaluate({ status: response.status, durationMs, body }, target.conditions);
		return { ...base, durationMs, httpStatus: response.status, ...verdict };
	} catch (error) {
		const durationMs = elapsed();
		if (error instanceof RedirectRefused) {
			return {
				...base,
				durationMs,
				outcome: 'down',
				httpStatus: error.status,
				message: error.message,
			};
		}
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

/** Same-origin redirects followed for a request with custom headers, at most. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

class RedirectRefused extends Error {
	constructor(
		message: string,
		readonly status: number | null,
	) {
		super(message);
	}
}

/**
 * The full check's request. Without custom headers fetch follows redirects itself; with them, each hop
 * is made with `redirect: 'manual'` and followed only while it stays on the monitor's origin. A browser
 * hides where an opaque redirect leads (`opaqueredirect`), so there none can be followed safely.
 */
async function fetchWithHeaders(
	target: CheckTarget,
	env: CheckEnv,
	signal: AbortSignal,
): Promise<Response> {
	const init = { mode: 'cors', cache: 'no-store', credentials: 'omit', signal } as const;
	const body = target.body && takesBody(target.method) ? target.body : null;
	if (Object.keys(target.headers).length === 0 && !body)
		return env.fetch(target.url, { ...init, method: target.method, redirect: 'follow' });
	const origin = new URL(target.url).origin;
	let url = target.url;
	let method: string = target.method;
	for (let hop = 0; ; hop++) {
		// A redirect that turns the request into a GET drops the body, as fetch does.
		const sent = body && takesBody(method) ? body : null;
		const response = await env.fetch(url, {
			...init,
			method,
			redirect: 'manual',
			headers: sent ? withContentType(target.headers, sent.contentType) : target.headers,
			...(sent ? { body: sent.text } : {}),
		});
		if (response.type === 'opaqueredirect')
			throw new RedirectRefused(
				'Redirected, and not followed: the browser hides where a redirect leads, and the custom headers or body must not go to another site. Use the final address.',
				null,
			);
		const location = response.headers.get('location');
		if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
		await response.body?.cancel();
		const next = new URL(location, url);
		if (next.origin !== origin)
			throw new RedirectRefused(
				`HTTP ${response.status}: redirected to ${next.origin}, not followed: the custom headers and body go to ${origin} only`,
				response.status,
			);
		if (hop >= MAX_REDIRECTS)
			throw new RedirectRefused(
				`More than ${MAX_REDIRECTS} redirects in a row, not followed further`,
				response.status,
			);
		// As fetch does: 303 turns any method into GET, 301 and 302 turn POST into GET.
		if (response.status === 303 || (method === 'POST' && response.status < 303)) method = 'GET';
		url = next.href;
	}
}

/** The body's content type replaces a Content-Type among the custom headers, whatever its case. */
function withContentType(headers: Record<string, string>, type: string): Record<string, string> {
	const others = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type');
	return { ...Object.fromEntries(others), 'Content-Type': type };
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
