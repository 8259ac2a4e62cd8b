/**
 * The real app, built as it ships (service worker and all) into the git-ignored dist-bench-app/ and
 * served by `vite preview` with its security headers, on a free port so parallel runs never clash.
 */
import { resolve } from 'node:path';
import { build, preview } from 'vite';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT_DIR = resolve(ROOT, 'dist-bench-app');

export interface AppServer {
	url: string;
	close(): Promise<void>;
}

/** `minify: false` keeps names and module headers in the bundle, for a readable CPU profile. */
export async function serveApp({ minify = true } = {}): Promise<AppServer> {
	const configFile = resolve(ROOT, 'vite.config.ts');
	await build({
		configFile,
		root: ROOT,
		logLevel: 'warn',
		build: { outDir: OUT_DIR, emptyOutDir: true, ...(minify ? {} : { minify: false }) },
	});
	const server = await preview({
		configFile,
		root: ROOT,
		logLevel: 'warn',
		build: { outDir: OUT_DIR },
		preview: { port: 0, strictPort: false },
	});
	const address = server.httpServer.address();
	if (!address || typeof address === 'string') throw new Error('preview server has no port');
	return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
