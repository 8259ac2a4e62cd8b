/**
 * Two builds of the app served from one origin, one after the other: what a user sees when a new version
 * is deployed while a window of the old one is still open. Builds go to gitignored dist-e2e-* folders.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { SECURITY_HEADERS } from '../../../vite.config';

const ROOT = join(import.meta.dirname, '../../..');

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.map': 'application/json',
};

const built = new Map<number, string>();

/**
 * Builds the app as version `n` (its build time orders the versions) into dist-e2e-v<n>-<worker>/, once
 * per test run's worker process (each parallel worker has its own folders).
 */
export function buildVersion(n: number): string {
	const done = built.get(n);
	if (done) return done;
	const outDir = join(ROOT, `dist-e2e-v${n}-${process.env.TEST_PARALLEL_INDEX ?? 0}`);
	execFileSync(
		'npx',
		['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
		{
			cwd: ROOT,
			env: { ...process.env, BUILD_TIME: String(1_700_000_000_000 + n), BUILD_ID: `e2e-v${n}` },
			stdio: 'inherit',
		},
	);
	built.set(n, outDir);
	return outDir;
}

/** The path of a build's entry script, as its index.html names it: tells which version a page runs. */
export function entryScript(dir: string): string {
	const html = readFileSync(join(dir, 'index.html'), 'utf8');
	const src = /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1];
	if (!src) throw new Error(`No entry script in ${dir}/index.html`);
	return src;
}

export interface SwitchableServer {
	url: string;
	serve(dir: string): void;
	close(): Promise<void>;
}

/**
 * A static server on a port of its own, whose folder can be swapped while it runs, so the origin (and its storage, and its
 * service worker) stays. It sends the app's security headers, as a production host should, unless told
 * to act as a host that cannot (`securityHeaders: false`).
 */
export async function startServer(
	dir: string,
	{ securityHeaders = true } = {},
): Promise<SwitchableServer> {
	let root = dir;
	const server: Server = createServer((request, response) => {
		const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
		let file = join(root, path);
		if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory())
			file = join(root, 'index.html');
		response.writeHead(200, {
			...(securityHeaders ? SECURITY_HEADERS : {}),
			'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
			'Cache-Control': 'no-cache',
		});
		createReadStream(file).pipe(response);
	});
	// A free port of the system's choosing: parallel workers each get their own origin.
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		serve: (next) => (root = next),
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
