/**
 * Real HTTP servers on 127.0.0.1 for the checks to probe: with and without CORS, slow, failing, and one
 * that hangs up. Each records how many requests it saw.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Target {
	url: string;
	hits: number;
	/** When the last request arrived (Date.now()), 0 before the first. */
	lastHitAt: number;
	close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function serve(handler: Handler): Promise<Target> {
	const target = { url: '', hits: 0, lastHitAt: 0, close: () => Promise.resolve() };
	const server: Server = createServer((request, response) => {
		target.hits++;
		target.lastHitAt = Date.now();
		handler(request, response);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	target.url = `http://127.0.0.1:${port}/health`;
	target.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return target;
}

const CORS = { 'Access-Control-Allow-Origin': '*' };

/** 200 with a JSON body, CORS allowed. `state` can be switched by the test. */
export function corsTarget(
	state: { status: number; body: string } = {
		status: 200,
		body: '{"status":"ok","db":{"latency":12}}',
	},
) {
	return serve((_req, res) => {
		res.writeHead(state.status, { ...CORS, 'Content-Type': 'application/json' });
		res.end(state.body);
	}).then((t) => Object.assign(t, { state }));
}

/** 200 without any CORS header: a full check cannot read it, a reachability check can. */
export function noCorsTarget() {
	return serve((_req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end('hello');
	});
}

/** Answers after `delayMs`. */
export function slowTarget(delayMs: number) {
	return serve((_req, res) => {
		setTimeout(() => {
			if (res.destroyed) return;
			res.writeHead(200, CORS);
			res.end('slow but fine');
		}, delayMs);
	});
}

/** Always 500. */
export function errorTarget() {
	return serve((_req, res) => {
		res.writeHead(500, CORS);
		res.end('internal error');
	});
}

/** Accepts the connection and closes it without an answer. */
export function hangUpTarget() {
	return serve((req) => req.socket.destroy());
}

export interface Received {
	method: string;
	contentType: string | undefined;
	body: string;
}

/**
 * Records what each request sent (method, content type, body) and answers 200 with JSON; allows the
 * CORS preflight a JSON body or a PUT needs.
 */
export function echoTarget() {
	const received: Received[] = [];
	return serve((req, res) => {
		if (req.method === 'OPTIONS') {
			res.writeHead(204, {
				...CORS,
				'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH',
				'Access-Control-Allow-Headers': 'content-type',
			});
			res.end();
			return;
		}
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			received.push({ method: req.method ?? '', contentType: req.headers['content-type'], body });
			res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
			res.end('{"status":"ok"}');
		});
	}).then((t) => Object.assign(t, { received }));
}
