import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sqlJsFileHook } from '../../vite.config';

/**
 * Builds the test harness page into dist-harness/ (see tests/harness/main.ts), with the same sql.js
 * file-change hook as the app: without it the database saves by exporting the whole file.
 */
export default defineConfig({
	root: fileURLToPath(new URL('.', import.meta.url)),
	publicDir: false,
	plugins: [sqlJsFileHook()],
	worker: { format: 'es', plugins: () => [sqlJsFileHook()] },
	build: {
		outDir: fileURLToPath(new URL('../../dist-harness', import.meta.url)),
		emptyOutDir: true,
		target: 'es2022',
	},
	preview: { host: '127.0.0.1', strictPort: true },
});
