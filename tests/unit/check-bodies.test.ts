/**
 * A monitor's request body reaches its server with its content type, through runCheck and a real HTTP
 * server on 127.0.0.1; a same-origin 307 keeps it, a 303 turns the request into a GET without it, as
 * fetch does, and a redirect to another origin never carries it there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCheck, type CheckTarget } from '../../src/worker/domain/checks/http';

interface Seen {
	method: string;
	path: string;
	contentType: string | undefined;
	body: string;
}

function serve(route: (path: string) => [number, string | null]) {
	const seen: Seen[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			const path = req.url ?? '';
			seen.push({ method: req.method ?? '', path, contentType: req.headers['content-type'], body });
			const [status, location] = route(path);
			res.writeHead(status, {
				'access-control-allow-origin': '*',
				...(location ? { location } : {}),
			});
			res.end('{"ok":true}');
		});
	});
	return { server, seen };
}

function listen(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
		),
	);
}

let otherBase = '';
const home = serve((path) => {
	if (path === '/kept') return [307, '/landing'];
	if (path === '/see-other') return [303, '/landing'];
	if (path === '/away') return [307, `${otherBase}/landing`];
	return [200, null];
});
const other = serve(() => [200, null]);
let homeBase = '';

beforeAll(async () => {
	homeBase = await listen(home.server);
	otherBase = await listen(other.server);
});
afterAll(() => {
	home.server.close();
	other.server.close();
});
beforeEach(() => {
	home.seen.length = 0;
	other.seen.length = 0;
});

const env = { fetch: globalThis.fetch, now: Date.now, clock: () => performance.now() };
const BODY = { contentType: 'application/json', text: '{"query":"open orders"}' };
const target = (path: string, method: CheckTarget['method'] = 'POST'): CheckTarget => ({
	url: `${homeBase}${path}`,
	method,
	timeoutMs: 5_000,
	mode: 'full',
	conditions: { json: { path: 'ok', operator: '==', value: 'true' } },
	headers: { 'content-type': 'text/wrong' },
	body: BODY,
});

describe('request bodies', () => {
	it.each(['POST', 'PUT', 'PATCH'] as const)(
		'%s sends the body with its content type',
		async (m) => {
			const observed = await runCheck(target('/orders', m), env);
			expect(observed).toMatchObject({ outcome: 'up', httpStatus: 200 });
			// The body's content type wins over one among the custom headers.
			expect(home.seen).toEqual([
				{ method: m, path: '/orders', contentType: 'application/json', body: BODY.text },
			]);
		},
	);

	it('a same-origin 307 keeps the body; a 303 turns the request into a GET without it', async () => {
		await runCheck(target('/kept'), env);
		await runCheck(target('/see-other'), env);
		expect(home.seen.map((s) => [s.method, s.path, s.body])).toEqual([
			['POST', '/kept', BODY.text],
			['POST', '/landing', BODY.text],
			['POST', '/see-other', BODY.text],
			['GET', '/landing', ''],
		]);
	});

	it('never carries the body to another origin', async () => {
		const observed = await runCheck(target('/away'), env);
		expect(observed.outcome).toBe('down');
		expect(observed.message).toMatch(/not followed: the custom headers and body go to/);
		expect(other.seen).toEqual([]);
	});

	it('a GET sends none, even with a body stored', async () => {
		await runCheck(target('/plain', 'GET'), env);
		expect(home.seen).toEqual([
			{ method: 'GET', path: '/plain', contentType: 'text/wrong', body: '' },
		]);
	});
});
