/**
 * The migrations this build ships, bundled byte-for-byte into the worker chunk by Vite
 * (no fetch at run time, no eval: the app works offline and under a strict CSP).
 */
import { parseMigrations, type MigrationFile } from './files';

const sources = import.meta.glob<string>('../../../migrations/*.sql', {
	query: '?raw',
	import: 'default',
	eager: true,
});

let parsed: Promise<MigrationFile[]> | undefined;

export function bundledMigrations(): Promise<MigrationFile[]> {
	parsed ??= parseMigrations(sources);
	return parsed;
}

export function bundledSources(): Record<string, string> {
	return sources;
}
