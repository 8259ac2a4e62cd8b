/**
 * The service worker and web app manifest, generated at build time by vite-plugin-pwa (Workbox
 * `generateSW`). Imported by vite.config.ts; nothing here runs in the browser.
 *
 * - `registerType: 'prompt'`: a new version waits until the person chooses to reload (a data app must
 *   not reload itself under an open form or a pending save). The page registers the worker itself
 *   (src/client/service-worker.ts), so nothing is injected into index.html: no inline script, which the
 *   Content Security Policy forbids.
 * - The precache holds the whole shell: the default globs leave out `.wasm`, and without sql.js's wasm
 *   the app cannot open its database offline. The database worker is a plain `.js` chunk; migrations are
 *   bundled into it.
 * - Navigations fall back to the cached `index.html`, so the app starts with no network at all.
 * - `public/sw-notifications.js` is imported into it: the click on a browser notification.
 */
import type { VitePWAOptions } from 'vite-plugin-pwa';
import { webManifest } from './manifest.ts';

export const pwaOptions: Partial<VitePWAOptions> = {
	registerType: 'prompt',
	injectRegister: false,
	strategies: 'generateSW',
	manifest: webManifest,
	// The globs below already take every icon in public/ (and the plugin adds the manifest itself);
	// listing them again would duplicate precache entries.
	includeManifestIcons: false,
	workbox: {
		globPatterns: ['**/*.{html,js,css,wasm,svg,png,ico}'],
		navigateFallback: 'index.html',
		cleanupOutdatedCaches: true,
		// The first install takes the open page over at once, so it works offline without a reload.
		// Updates still wait for the person's "Reload" (no skipWaiting).
		clientsClaim: true,
		skipWaiting: false,
		// A click on an alert's notification opens its monitor (public/sw-notifications.js).
		importScripts: ['sw-notifications.js'],
	},
};
