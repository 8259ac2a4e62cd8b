/**
 * Builds the benchmark and the browser contract harness from the app's own worker code, with the same
 * sql.js hook as the app, into dist-bench/ (git-ignored).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { sqlJsFileHook } from '../../vite.config';

const root = resolve(import.meta.dirname, 'pages');

export default defineConfig({
	root,
	// The app's migrations glob (/migrations/*.sql) resolves against the repository, as in the app.
	publicDir: false,
	plugins: [sqlJsFileHook()],
	worker: { format: 'es', plugins: () => [sqlJsFileHook()] },
	build: {
		outDir: resolve(import.meta.dirname, '../../dist-bench'),
		emptyOutDir: true,
		target: 'es2022',
		rolldownOptions: {
			input: {
				bench: resolve(root, 'bench.html'),
				contract: resolve(root, 'contract.html'),
			},
		},
	},
	preview: { host: '127.0.0.1', strictPort: true },
	logLevel: 'warn',
});
