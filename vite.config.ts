/// <reference types="vitest/config" />
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './src/sw/pwa.ts';
import { patchSqlJs } from './src/worker/core/persistence/sqljs-patch.ts';

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

/**
 * The same policy in a `<meta>` element of the built page, for hosts that cannot set headers (a plain
 * static bucket, a file share). A meta policy cannot carry `frame-ancestors` (browsers ignore it there and
 * say so in the console), so framing is only refused where the header is sent; nor does it reach the
 * workers, whose policy comes with their own response.
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
	.filter((directive) => !directive.startsWith('frame-ancestors'))
	.join('; ');

/** Puts the meta policy right after the charset, before anything it governs. */
function cspMeta(): Plugin {
	const charset = '<meta charset="UTF-8" />';
	return {
		name: 'monitor:csp-meta',
		apply: 'build',
		transformIndexHtml(html) {
			if (!html.includes(charset))
				throw new Error(`index.html must start its head with ${charset}`);
			const meta = `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`;
			return html.replace(charset, `${charset}\n\t\t${meta}`);
		},
	};
}

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

const SQLJS_BUILD = /[\\/]sql\.js[\\/]dist[\\/]sql-wasm(-browser)?\.js$/;
const SQLJS_ANY = /[\\/]node_modules[\\/]sql\.js[\\/]/;

/**
 * Applies the file-change hook to sql.js's browser and Node builds at build time, from the pinned
 * version (src/worker/core/persistence/sqljs-patch.ts). `patchSqlJs` throws when sql.js changed shape, and a
 * bundle that contains sql.js without the hook (say, a renamed entry file) is an error too: the build
 * fails loudly instead of shipping the slow path by accident.
 */
export function sqlJsFileHook(): Plugin {
	let patched = false;
	return {
		name: 'monitor:sqljs-file-hook',
		enforce: 'pre',
		transform(code, id) {
			if (!SQLJS_BUILD.test(id.split('?')[0]!)) return null;
			patched = true;
			return { code: patchSqlJs(code), map: null };
		},
		generateBundle() {
			const bundlesSqlJs = [...this.getModuleIds()].some((id) => SQLJS_ANY.test(id));
			if (bundlesSqlJs && !patched) {
				this.error('sql.js is in the bundle but the file-change hook was not applied to it.');
			}
		},
	};
}

export default defineConfig({
	plugins: [svelte(), sqlJsFileHook(), cspMeta(), VitePWA(pwaOptions)],
	define: {
		__BUILD_ID__: JSON.stringify(BUILD_ID),
		__BUILD_TIME__: JSON.stringify(BUILD_TIME),
	},
	// Workers are bundled by a build of their own, with their own plugins.
	worker: { format: 'es', plugins: () => [sqlJsFileHook()] },
	// The dev server pre-bundles sql.js; hook it there too, so `npm run dev` runs the same path.
	optimizeDeps: { rolldownOptions: { plugins: [sqlJsFileHook()] } },
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
		// Inlined so the hook above applies to the Node build in the unit tests too.
		server: { deps: { inline: ['sql.js'] } },
	},
});
