import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

/**
 * The app's icons, generated from one master, public/favicon.svg: `npm run icons` writes them to public/
 * (they are committed). Maskable and Apple icons get the icon's own teal behind them, so the padding that
 * keeps the artwork inside the maskable safe zone reads as part of the icon rather than a white frame.
 */
const teal = { background: '#0f766e', fit: 'contain' } as const;

export default defineConfig({
	headLinkOptions: { preset: '2023' },
	preset: {
		...minimal2023Preset,
		transparent: { ...minimal2023Preset.transparent, sizes: [64, 192, 512] },
		maskable: { sizes: [192, 512], resizeOptions: teal },
		apple: { sizes: [180], resizeOptions: teal },
	},
	images: ['public/favicon.svg'],
});
