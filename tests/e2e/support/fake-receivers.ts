/**
 * Alert endpoints on 127.0.0.1 for channel tests: a webhook receiver that answers CORS (preflight
 * included, as a JSON POST with a secret header needs one), an ntfy-compatible server (JSON published to
 * its root, CORS like ntfy.sh) and a receiver without any CORS header, as Discord's and Slack's incoming
 * webhooks are to a page. Each records what it received; `replies` scripts the next answers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
	at: number;
}

export type ReceiverKind = 'webhook' | 'ntfy' | 'no-cors';

export interface Receiver {
	url: string;
	/** Requests other than preflights. */
	received: Received[];
	preflights: number;
	/** Answers for the next requests (status, headers), before the normal one. */
	replies: { status: number; headers?: Record<string, string>; body?: string }[];
	close(): Promise<void>;
}

const CORS = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Allow-Methods': 'POST, PUT, OPTIONS',
	'Access-Control-Allow-Headers': '*',
	'Access-Control-Expose-Headers': 'Retry-After',
};

export async function startReceiver(kind: ReceiverKind): Promise<Receiver> {
	const receiver: Receiver = {
		url: '',
		received: [],
		preflights: 0,
		replies: [],
		close: () => Promise.resolve(),
	};
	const cors = kind === 'no-cors' ? {} : CORS;
	const server: Server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		request.on('end', () => {
			if (request.method === 'OPTIONS') {
				receiver.preflights++;
				response.writeHead(kind === 'no-cors' ? 405 : 204, cors);
				response.end();
				return;
			}
			receiver.received.push({
				method: request.method ?? '',
				path: request.url ?? '/',
				headers: request.headers,
				body,
				at: Date.now(),
			});
			const scripted = receiver.replies.shift();
			if (scripted) {
				response.writeHead(scripted.status, { ...cors, ...scripted.headers });
				response.end(scripted.body ?? '');
				return;
			}
			if (kind === 'ntfy') {
				const sent = JSON.parse(body || '{}') as { topic?: string; message?: string };
				response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
				response.end(
					JSON.stringify({
						id: `m${receiver.received.length}`,
						time: Math.floor(Date.now() / 1000),
						event: 'message',
						topic: sent.topic,
						message: sent.message,
					}),
				);
				return;
			}
			response.writeHead(kind === 'no-cors' ? 204 : 200, cors);
			response.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	receiver.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return receiver;
}
