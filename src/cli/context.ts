import type { MigrationFile } from '../worker/core/migrations/files';
import type { Io } from './io';

export interface CommandContext {
	io: Io;
	/** The database file, resolved against the caller's directory. */
	file: string;
	/** The migration name of `reset`. */
	migration?: string;
	dryRun: boolean;
	force: boolean;
	out?: string;
	/** How many entries `log` prints. */
	limit?: number;
	migrations: () => Promise<MigrationFile[]>;
}
