/** How a live database is opened: its storage, migrations, backups, and who hears what it does. */
import type { Database, SqlJsStatic } from 'sql.js';
import type { Phase } from '../../../shared/api';
import type { TaskProgress } from '../../../shared/backups';
import type { MigrationTiming, SaveStatus } from '../../../shared/database';
import type { BackupStore } from '../backups/store';
import type { Engine } from '../engine';
import type { MigrationFile } from '../migrations/files';
import type { ImageStore } from '../persistence/image-store';
import type { ImageSource } from '../persistence/image-source';
import type { SnapshotPolicy } from '../persistence/snapshot-refresh';

export interface OpenOptions {
	SQL: SqlJsStatic;
	store: ImageStore;
	files: readonly MigrationFile[];
	writerId: string;
	/** Where backups go. Without it no automatic backup is made (unit tests of persistence alone). */
	backups?: BackupStore;
	chunkSize?: number;
	/** When to refresh the cold-open snapshot (snapshot-refresh.ts); by default DEFAULT_SNAPSHOT_POLICY. */
	snapshots?: SnapshotPolicy | false;
	/** Where saves read the file from; by default the tracked source when the build hooked sql.js. */
	imageSource?: (db: Database) => ImageSource;
	/** Milliseconds before retry number `attempt` of a failed save (persister.ts has the default). */
	backoff?: (attempt: number) => number;
	onPhase?: (phase: Phase) => void;
	onSave?: (status: SaveStatus) => void;
	onChanged?: (tables: string[]) => void;
	onProgress?: (progress: TaskProgress) => void;
	/**
	 * Brings the secrets of a database about to replace this one under this device's protection (the
	 * owner account, see domain/account/incoming.ts); runs on the prepared copy before anything is
	 * backed up or saved, and `afterSwap` once it is live.
	 */
	secrets?: {
		adopt: (incoming: Engine, live: Engine, passphrase: string | null) => Promise<unknown>;
		afterSwap: (live: Engine, adopted: unknown) => Promise<void>;
	};
	/**
	 * Runs after the migrations that opening ran (a new database, or an older one brought up to date),
	 * before their strict save: the activity log's line about them. Not called when none ran.
	 */
	onMigrated?: (engine: Engine, migrated: MigrationRun) => void;
	now?: () => number;
}

/** The migrations one open ran. */
export interface MigrationRun {
	fromVersion: number;
	applied: readonly MigrationTiming[];
	/** The backup made before them; null for a new database (nothing to back up). */
	backupId: number | null;
}

/** What `LiveDatabase.open` is given: sql.js may be a loader and the migrations a promise. */
export type OpenGiven = Omit<OpenOptions, 'SQL' | 'files'> & {
	SQL: SqlJsStatic | (() => Promise<SqlJsStatic>);
	files: readonly MigrationFile[] | Promise<readonly MigrationFile[]>;
};
