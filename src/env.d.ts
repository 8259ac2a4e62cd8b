/** Injected by Vite's `define` (vite.config.ts): which build of the app this is. */
declare const __BUILD_ID__: string;
declare const __BUILD_TIME__: number;
