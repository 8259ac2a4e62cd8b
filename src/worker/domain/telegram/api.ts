/**
 * Calls to the Telegram Bot API, as a browser may make them: only "simple" requests (GET with a query
 * string, or a form-encoded POST), because the Bot API answers CORS but not preflight requests.
 * The token is part of the URL; it never appears in an error message or a log line.
 */
import { clampRetryAfter } from '../alerts/delivery';

export interface BotApiResponse<T> {
	ok: boolean;
	result?: T;
	error_code?: number;
	description?: string;
	parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export type FailureKind =
	/** The network failed or the server is in trouble: try again later. */
	| 'transient'
	/** 429: wait `retryAfterS`, then try again. */
	| 'rate-limited'
	/** The group became a supergroup: send to `migrateTo` instead. */
	| 'migrated'
	/** 401: the token is no longer valid. */
	| 'unauthorized'
	/** 403, or "chat not found": this chat will never accept messages from this bot. */
	| 'chat-gone'
	/** 409: a webhook is set, or another program polls this bot. */
	| 'conflict'
	/** Anything else Telegram refused (a bad parameter, a message it cannot parse). */
	| 'refused';

export class BotApiError extends Error {
	override readonly name = 'BotApiError';
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly status: number | null,
		readonly retryAfterS: number | null = null,
		readonly migrateTo: number | null = null,
		/**
		 * No Bot API reply came back, though the request may have reached Telegram (it timed out, the
		 * connection dropped, the reply was unreadable): a message sent this way may have arrived.
		 */
		readonly unanswered = false,
	) {
		super(message);
	}
}

// Telegram's `retry_after` is kept to 1 s – 1 h, like any server's (alerts/delivery.ts).
export { clampRetryAfter, RETRY_AFTER_MAX_S, RETRY_AFTER_MIN_S } from '../alerts/delivery';

export interface BotApiEnv {
	fetch: typeof fetch;
	base: string;
}

type Params = Record<string, string | number | boolean | undefined | null>;

/** GET with a query string: getMe, getUpdates, getChat, deleteWebhook. */
export function botGet<T>(
	env: BotApiEnv,
	token: string,
	method: string,
	params: Params = {},
): Promise<T> {
	const query = encode(params).toString();
	return call<T>(env, `${endpoint(env, token, method)}${query ? `?${query}` : ''}`, {
		method: 'GET',
	});
}

/** A form-encoded POST: sendMessage (a long text does not fit a URL). */
export function botPost<T>(
	env: BotApiEnv,
	token: string,
	method: string,
	params: Params,
): Promise<T> {
	return call<T>(env, endpoint(env, token, method), { method: 'POST', body: encode(params) });
}

function endpoint(env: BotApiEnv, token: string, method: string): string {
	return `${env.base.replace(/\/+$/, '')}/bot${token}/${method}`;
}

function encode(params: Params): URLSearchParams {
	const body = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && value !== null) body.set(key, String(value));
	}
	return body;
}

async function call<T>(env: BotApiEnv, url: string, init: RequestInit): Promise<T> {
	let response: Response;
	try {
		response = await env.fetch(url, {
			...init,
			mode: 'cors',
			credentials: 'omit',
			cache: 'no-store',
			signal: AbortSignal.timeout(15_000),
		});
	} catch (error) {
		// A request that timed out went out and may have been acted on. A network error is, far more
		// often, no connection at all (offline, DNS, refused), which a browser cannot tell from one
		// dropped after sending: it is retried, or a flaky connection would strand every alert.
		const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
		throw new BotApiError(
			'transient',
			timedOut
				? 'Telegram did not answer within 15 s.'
				: 'Telegram could not be reached (offline, or the Bot API server is down).',
			null,
			null,
			null,
			timedOut,
		);
	}
	let body: BotApiResponse<T>;
	try {
		body = (await response.json()) as BotApiResponse<T>;
	} catch {
		throw new BotApiError(
			'transient',
			`The Bot API server answered HTTP ${response.status} without a Bot API reply.`,
			response.status,
			null,
			null,
			true,
		);
	}
	if (body.ok) return body.result as T;
	throw classify(response.status, body);
}

function classify(status: number, body: BotApiResponse<unknown>): BotApiError {
	const code = body.error_code ?? status;
	const description = body.description ?? `HTTP ${status}`;
	const migrateTo = body.parameters?.migrate_to_chat_id ?? null;
	if (code === 429)
		return new BotApiError(
			'rate-limited',
			description,
			code,
			clampRetryAfter(body.parameters?.retry_after),
		);
	if (migrateTo !== null) return new BotApiError('migrated', description, code, null, migrateTo);
	if (code === 401)
		return new BotApiError(
			'unauthorized',
			'Telegram does not accept this bot token (revoked or mistyped).',
			code,
		);
	if (
		code === 403 ||
		/chat not found|group chat was deleted|user is deactivated/i.test(description)
	)
		return new BotApiError('chat-gone', description, code);
	if (code === 409) return new BotApiError('conflict', description, code);
	if (code >= 500) return new BotApiError('transient', description, code);
	return new BotApiError('refused', description, code);
}

// The shapes of the Bot API objects used here (core.telegram.org/bots/api).
export interface BotUser {
	id: number;
	is_bot: boolean;
	first_name: string;
	username?: string;
	can_read_all_group_messages?: boolean;
}

export interface ApiChat {
	id: number;
	type: 'private' | 'group' | 'supergroup' | 'channel';
	title?: string;
	username?: string;
	first_name?: string;
	last_name?: string;
	is_forum?: boolean;
}

export interface ApiMessage {
	message_id: number;
	chat: ApiChat;
	migrate_to_chat_id?: number;
	migrate_from_chat_id?: number;
}

export interface ApiUpdate {
	update_id: number;
	message?: ApiMessage;
	edited_message?: ApiMessage;
	channel_post?: ApiMessage;
	edited_channel_post?: ApiMessage;
	my_chat_member?: { chat: ApiChat; new_chat_member: { status: string } };
}
