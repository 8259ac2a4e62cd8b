import type { MigrationFile } from '../worker/core/migrations/files';
import type { Io } from './io';

export interface CommandContext {
	io: Io;
	/** The database file, resolved against the caller's directory. */
	file: string;
	/** The file merged into `file` by `merge`. */
	other?: string;
	/** The migration name of `reset`. */
	migration?: string;
	dryRun: boolean;
	force: boolean;
	out?: string;
	/** The options of `history` and `generate-history`, as given (validated by each command). */
	flags: Readonly<Record<string, string | undefined>>;
	migrations: () => Promise<MigrationFile[]>;
}
