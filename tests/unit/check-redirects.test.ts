/**
 * Custom headers (an API key) must reach the monitor's origin only: a redirect to another origin is not
 * followed with them (issue 19, item 13). Two real servers on 127.0.0.1, on two ports: two origins.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REDIRECTS, runCheck, type CheckTarget } from '../../src/worker/domain/checks/http';

interface Seen {
	path: string;
	headers: IncomingHttpHeaders;
}

function serve(routes: (path: string, base: { other: string }) => [number, string | null]) {
	const seen: Seen[] = [];
	const server = createServer((req, res) => {
		seen.push({ path: req.url ?? '', headers: req.headers });
		const [status, location] = routes(req.url ?? '', bases);
		res.writeHead(status, {
			'access-control-allow-origin': '*',
			...(location ? { location } : {}),
		});
		res.end('ok');
	});
	return { server, seen };
}

const bases = { other: '' };
let home: ReturnType<typeof serve>;
let other: ReturnType<typeof serve>;
let homeBase = '';

function listen(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
		),
	);
}

beforeAll(async () => {
	home = serve((path, { other }) => {
		if (path === '/elsewhere') return [302, `${other}/landing`];
		if (path === '/moved') return [307, '/here'];
		if (path === '/loop') return [302, '/loop'];
		return [200, null];
	});
	other = serve(() => [200, null]);
	homeBase = await listen(home.server);
	bases.other = await listen(other.server);
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
const target = (path: string, headers: Record<string, string>): CheckTarget => ({
	url: `${homeBase}${path}`,
	method: 'GET',
	timeoutMs: 5_000,
	mode: 'full',
	conditions: {},
	headers,
});
const KEY = { 'x-api-key': 'secret-123' };

describe('redirects with custom headers', () => {
	it('does not follow a redirect to another origin: the headers never reach it', async () => {
		const observed = await runCheck(target('/elsewhere', KEY), env);
		expect(other.seen).toEqual([]);
		expect(observed).toMatchObject({ outcome: 'down', httpStatus: 302 });
		expect(observed.message).toMatch(/redirected to http:\/\/127\.0\.0\.1:\d+, not followed/);
	});

	it('follows a same-origin redirect, with the headers', async () => {
		const observed = await runCheck(target('/moved', KEY), env);
		expect(observed).toMatchObject({ outcome: 'up', httpStatus: 200 });
		expect(home.seen.map((s) => [s.path, s.headers['x-api-key']])).toEqual([
			['/moved', 'secret-123'],
			['/here', 'secret-123'],
		]);
	});

	it('stops after a bounded number of redirects', async () => {
		const observed = await runCheck(target('/loop', KEY), env);
		expect(observed.outcome).toBe('down');
		expect(observed.message).toMatch(/More than 5 redirects/);
		expect(home.seen).toHaveLength(MAX_REDIRECTS + 1);
	});

	it('without custom headers, follows redirects anywhere as before', async () => {
		const observed = await runCheck(target('/elsewhere', {}), env);
		expect(observed).toMatchObject({ outcome: 'up', httpStatus: 200 });
		expect(other.seen.map((s) => s.path)).toEqual(['/landing']);
	});
});
