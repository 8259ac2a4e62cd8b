/**
 * The servers the sustained scenario's monitors check: real HTTP servers on 127.0.0.1, spread over
 * several ports as real targets are spread over hosts (Chromium opens at most six connections per host,
 * so one port for two hundred monitors would measure that limit instead of the app). Each port answers
 * every kind of target by path; `/t/<kind>/<index>` behaves as plan.ts says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inOutage, LIVE_WEATHER, slowDelayMs, type Kind } from './plan';

const CORS = { 'Access-Control-Allow-Origin': '*' };
const JSON_BODY = '{"status":"ok","db":{"latency":12}}';
const STALL_MS = 5_000;

export interface Targets {
	/** The URL monitor `index` of `kind` checks. */
	urlFor(kind: Kind, index: number): string;
	/** Requests answered (or hung up on) so far, by kind. */
	readonly hits: Record<string, number>;
	close(): Promise<void>;
}

function answer(kind: Kind, index: number, res: ServerResponse, req: IncomingMessage): void {
	const ok = () => {
		res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
		res.end(JSON_BODY);
	};
	switch (kind) {
		case 'fast':
		case 'keyword':
		case 'json':
			return ok();
		case 'slow':
			setTimeout(
				() => {
					if (!res.destroyed) ok();
				},
				slowDelayMs(index, Date.now(), LIVE_WEATHER, Math.random()),
			);
			return;
		case 'plain':
		case 'cors':
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			res.end('hello');
			return;
		case 'error':
			res.writeHead(500, CORS);
			res.end('internal error');
			return;
		case 'hangup':
			req.socket.destroy();
			return;
		case 'flaky':
			if (!inOutage(index, Date.now(), LIVE_WEATHER)) return ok();
			res.writeHead(503, CORS);
			res.end('maintenance');
			return;
		case 'stall':
			setTimeout(() => {
				if (!res.destroyed) ok();
			}, STALL_MS);
			return;
	}
}

async function listen(server: Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

export async function startTargets(ports: number): Promise<Targets> {
	const hits: Record<string, number> = {};
	const servers: Server[] = [];
	const urls: string[] = [];
	for (let i = 0; i < ports; i++) {
		const server = createServer((req, res) => {
			const match = /^\/t\/(\w+)\/(\d+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
			if (!match) {
				res.writeHead(404, CORS);
				res.end();
				return;
			}
			const kind = match[1] as Kind;
			hits[kind] = (hits[kind] ?? 0) + 1;
			answer(kind, Number(match[2]), res, req);
		});
		servers.push(server);
		urls.push(`http://127.0.0.1:${await listen(server)}`);
	}
	return {
		// Ten consecutive monitors share a port, so every port serves a mix of kinds.
		urlFor: (kind, index) => `${urls[Math.floor(index / 10) % urls.length]}/t/${kind}/${index}`,
		hits,
		close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
	};
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.closeAllConnections();
		server.close(() => resolve());
	});
}

/**
 * Hands files between Node and the page: the starting database (GET /seed.db) and, at the end, the
 * exported database (POST /final.db), without squeezing 50 MB through the DevTools protocol.
 */
export interface FileDrop {
	url: string;
	received(): Buffer | null;
	close(): Promise<void>;
}

export async function startFileDrop(seed: Uint8Array): Promise<FileDrop> {
	let received: Buffer | null = null;
	const server = createServer((req, res) => {
		const headers = { ...CORS, 'Access-Control-Allow-Methods': 'GET, POST' };
		if (req.method === 'OPTIONS') {
			res.writeHead(204, headers);
			res.end();
		} else if (req.method === 'GET' && req.url === '/seed.db') {
			res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' });
			res.end(seed);
		} else if (req.method === 'POST' && req.url === '/final.db') {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received = Buffer.concat(chunks);
				res.writeHead(204, headers);
				res.end();
			});
		} else {
			res.writeHead(404, headers);
			res.end();
		}
	});
	const port = await listen(server);
	return {
		url: `http://127.0.0.1:${port}`,
		received: () => received,
		close: () => closeServer(server),
	};
}
