/**
 * Builds the benchmark/contract pages (tests/bench/vite.config.ts) and serves them with `vite preview`.
 * Used by the benchmark and by the Chromium run of the persistence contract.
 */
import { resolve } from 'node:path';
import { build, preview } from 'vite';

const configFile = resolve(import.meta.dirname, 'vite.config.ts');

export interface Harness {
	url: string;
	close(): Promise<void>;
}

/** `port` 0 lets the system pick a free one, so parallel runs never clash. */
export async function startHarness(port = Number(process.env.BENCH_PORT ?? 0)): Promise<Harness> {
	await build({ configFile, logLevel: 'warn' });
	const server = await preview({ configFile, preview: { port, strictPort: port !== 0 } });
	const address = server.httpServer.address();
	if (!address || typeof address === 'string') throw new Error('preview server has no port');
	return {
		url: `http://127.0.0.1:${address.port}`,
		close: () => server.close(),
	};
}
