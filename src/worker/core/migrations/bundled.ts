/**
 * The migrations this build ships, bundled byte-for-byte into the worker chunk by Vite
 * (no fetch at run time, no eval: the app works offline and under a strict CSP).
 */
import { basename, parseMigrations, type MigrationFile } from './files';

// Relative to this file, so every Vite root (the app, the test harness) finds the same folder.
const found = import.meta.glob<string>('../../../../migrations/*.sql', {
	query: '?raw',
	import: 'default',
	eager: true,
});
const sources = Object.fromEntries(Object.entries(found).map(([path, text]) => [`/migrations/${basename(path)}`, text]));

let parsed: Promise<MigrationFile[]> | undefined;

export function bundledMigrations(): Promise<MigrationFile[]> {
	parsed ??= parseMigrations(sources);
	return parsed;
}

export function bundledSources(): Record<string, string> {
	return sources;
}
