import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Builds the test harness page into dist-harness/ (see tests/harness/main.ts). */
export default defineConfig({
	root: fileURLToPath(new URL('.', import.meta.url)),
	publicDir: false,
	worker: { format: 'es' },
	build: {
		outDir: fileURLToPath(new URL('../../dist-harness', import.meta.url)),
		emptyOutDir: true,
		target: 'es2022',
	},
	preview: { host: '127.0.0.1', strictPort: true },
});
