/**
 * The web app manifest. Icons are generated from public/favicon.svg by `npm run icons`
 * (pwa-assets.config.ts) and committed; tests/e2e/pwa.spec.ts checks that each one exists at its size.
 */
import type { ManifestOptions } from 'vite-plugin-pwa';

const icon = (src: string, size: number, purpose?: 'maskable') => ({
	src,
	sizes: `${size}x${size}`,
	type: 'image/png',
	...(purpose ? { purpose } : {}),
});

export const webManifest: Partial<ManifestOptions> = {
	id: '/',
	name: 'Monitor',
	short_name: 'Monitor',
	description:
		'Your uptime and API monitor, entirely in your browser. Works offline; all data stays in one SQLite file you own.',
	lang: 'en',
	dir: 'ltr',
	start_url: '/',
	scope: '/',
	display: 'standalone',
	theme_color: '#0f766e',
	background_color: '#f6f7f9',
	categories: ['developer', 'utilities', 'productivity'],
	icons: [
		icon('pwa-64x64.png', 64),
		icon('pwa-192x192.png', 192),
		icon('pwa-512x512.png', 512),
		icon('maskable-icon-192x192.png', 192, 'maskable'),
		icon('maskable-icon-512x512.png', 512, 'maskable'),
	],
	// An installed Monitor opens .db files from the desktop (Chromium 102+); the import feature consumes
	// them through `launchQueue` (see src/client/launch-queue.ts).
	file_handlers: [{ action: '/', accept: { 'application/vnd.sqlite3': ['.db'] } }],
	// A second file opened while Monitor runs goes to the open window: two windows would only compete
	// for the one database.
	launch_handler: { client_mode: 'focus-existing' },
};
