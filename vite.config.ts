/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './src/sw/pwa.ts';

/**
 * The Content Security Policy the built app runs under: no inline scripts and no eval. sql.js needs
 * 'wasm-unsafe-eval' to compile its WebAssembly. Checks fetch arbitrary http(s) URLs, hence connect-src.
 */
export const CONTENT_SECURITY_POLICY = [
	"default-src 'self'",
	"script-src 'self' 'wasm-unsafe-eval'",
	"worker-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob:",
	"connect-src 'self' https: http:",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
].join('; ');

/** Sent with every response of the app; `npm start` applies them, static hosts should too (README). */
export const SECURITY_HEADERS = {
	'Content-Security-Policy': CONTENT_SECURITY_POLICY,
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
};

/** Identifies this build to other windows of the app (see src/shared/build.ts). */
const BUILD_TIME = Number(process.env.BUILD_TIME ?? Date.now());
const BUILD_ID =
	process.env.BUILD_ID ?? `${BUILD_TIME.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export default defineConfig({
	plugins: [svelte(), VitePWA(pwaOptions)],
	define: {
		__BUILD_ID__: JSON.stringify(BUILD_ID),
		__BUILD_TIME__: JSON.stringify(BUILD_TIME),
	},
	worker: { format: 'es' },
	build: { target: 'es2022', sourcemap: true },
	preview: {
		host: '127.0.0.1',
		port: Number(process.env.PORT ?? 4173),
		strictPort: true,
		headers: SECURITY_HEADERS,
	},
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
	},
});
