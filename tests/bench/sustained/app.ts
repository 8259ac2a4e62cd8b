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

/**
 * `minify: false` keeps names and module headers in the bundle, for a readable CPU profile. `root`: another
 * checkout of the app (an earlier commit, for a side-by-side run), built into its own dist-bench-app/.
 */
export async function serveApp({ minify = true, root = ROOT } = {}): Promise<AppServer> {
	const configFile = resolve(root, 'vite.config.ts');
	const outDir = root === ROOT ? OUT_DIR : resolve(root, 'dist-bench-app');
	await build({
		configFile,
		root,
		logLevel: 'warn',
		build: { outDir, emptyOutDir: true, ...(minify ? {} : { minify: false }) },
	});
	const server = await preview({
		configFile,
		root,
		logLevel: 'warn',
		build: { outDir },
		preview: { port: 0, strictPort: false },
	});
	const address = server.httpServer.address();
	if (!address || typeof address === 'string') throw new Error('preview server has no port');
	return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
