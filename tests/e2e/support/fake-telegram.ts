/**
 * A Bot API stand-in on 127.0.0.1 that answers like the real one: CORS `*` on GET and POST, and no
 * preflight support (OPTIONS gets a 405 without CORS headers), so a request that needs a preflight fails
 * here as it would against api.telegram.org. It records what it receives and can be scripted.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
	token: string;
	chat_id: string;
	text: string;
	parse_mode: string | null;
	message_thread_id: string | null;
	disable_notification: string | null;
	at: number;
}

type Reply = { status: number; body: unknown };

export class FakeTelegram {
	url = '';
	readonly tokens = new Map<string, { id: number; username: string; first_name: string }>();
	readonly updates: unknown[] = [];
	readonly sent: SentMessage[] = [];
	readonly requests: { method: string; httpMethod: string }[] = [];
	/** Replies for the next sendMessage calls, used before any normal answer. */
	readonly sendScript: (() => Reply)[] = [];
	getUpdatesScript: (() => Reply)[] = [];
	/** Preflight requests received: a browser sends one only for a request that is not "simple". */
	preflights = 0;
	#server: Server | null = null;
	#nextUpdateId = 1000;

	addBot(token: string, username: string, id = 4242): void {
		this.tokens.set(token, { id, username, first_name: username.replace(/_bot$/, '') });
	}

	/** Queues an update as Telegram would hand it out, with the next update_id. */
	push(update: Record<string, unknown>): void {
		this.updates.push({ update_id: this.#nextUpdateId++, ...update });
	}

	async start(): Promise<void> {
		this.#server = createServer((request, response) => {
			void this.#handle(request).then(({ status, body, cors }) => {
				const headers: Record<string, string> = { 'Content-Type': 'application/json' };
				if (cors) headers['Access-Control-Allow-Origin'] = '*';
				response.writeHead(status, headers);
				response.end(JSON.stringify(body));
			});
		});
		await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
	}

	stop(): Promise<void> {
		return new Promise((resolve) => {
			this.#server?.closeAllConnections();
			this.#server?.close(() => resolve());
		});
	}

	async #handle(request: IncomingMessage): Promise<Reply & { cors: boolean }> {
		if (request.method === 'OPTIONS') {
			this.preflights++;
			return { status: 405, body: { ok: false }, cors: false };
		}
		const url = new URL(request.url ?? '/', 'http://x');
		const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
		let body = '';
		for await (const chunk of request) body += String(chunk);
		const params = new URLSearchParams(request.method === 'POST' ? body : url.search);
		if (!match)
			return {
				status: 404,
				body: { ok: false, error_code: 404, description: 'Not Found' },
				cors: true,
			};
		const [, token, method] = match as unknown as [string, string, string];
		this.requests.push({ method, httpMethod: request.method ?? '' });
		const bot = this.tokens.get(token);
		if (!bot)
			return {
				status: 401,
				body: { ok: false, error_code: 401, description: 'Unauthorized' },
				cors: true,
			};
		return { ...this.#answer(token, method, params, bot), cors: true };
	}

	#answer(
		token: string,
		method: string,
		params: URLSearchParams,
		bot: { id: number; username: string; first_name: string },
	): Reply {
		switch (method) {
			case 'getMe':
				return ok({
					id: bot.id,
					is_bot: true,
					first_name: bot.first_name,
					username: bot.username,
					can_join_groups: true,
					can_read_all_group_messages: false,
				});
			case 'getUpdates': {
				const scripted = this.getUpdatesScript.shift();
				if (scripted) return scripted();
				const offset = Number(params.get('offset') ?? 0);
				// Confirming: updates below the offset are forgotten, as Telegram does.
				while (this.updates.length && (this.updates[0] as { update_id: number }).update_id < offset)
					this.updates.shift();
				return ok(this.updates.slice(0, Number(params.get('limit') ?? 100)));
			}
			case 'sendMessage': {
				const scripted = this.sendScript.shift();
				if (scripted) return scripted();
				const message: SentMessage = {
					token,
					chat_id: params.get('chat_id') ?? '',
					text: params.get('text') ?? '',
					parse_mode: params.get('parse_mode'),
					message_thread_id: params.get('message_thread_id'),
					disable_notification: params.get('disable_notification'),
					at: Date.now(),
				};
				this.sent.push(message);
				return ok({
					message_id: this.sent.length,
					date: Math.floor(Date.now() / 1000),
					chat: { id: Number(message.chat_id), type: 'supergroup' },
					text: message.text,
				});
			}
			case 'getChat':
				return ok({
					id: Number(params.get('chat_id')),
					type: 'supergroup',
					title: 'Ops room',
					is_forum: false,
				});
			case 'deleteWebhook':
				return ok(true);
			default:
				return {
					status: 404,
					body: { ok: false, error_code: 404, description: 'Not Found: method not found' },
				};
		}
	}
}

function ok(result: unknown): Reply {
	return { status: 200, body: { ok: true, result } };
}
