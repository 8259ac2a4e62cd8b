/**
 * Where persistence gets the database file from. The foundation's source exports the whole image and
 * lets `planSave` find the changed chunks by hashing; a source that knows which byte ranges SQLite
 * wrote can skip both the copy and the hashing.
 */
import type { Database } from 'sql.js';

export interface ImageSource {
	/** The current database file, between transactions. May be a live view, valid until the next statement. */
	image(): Uint8Array;
	/** Chunks written since the last call, or null when this source cannot tell. */
	takeChanged(chunkSize: number): Set<number> | null;
	/** Gives back chunks whose save failed, so the next save includes them. */
	restoreChanged(chunks: Iterable<number>): void;
}

/** sql.js `export()`: a consistent copy of the file (the online-backup API since 1.15.2), no change tracking. */
export class ExportImageSource implements ImageSource {
	readonly #db: Database;

	constructor(db: Database) {
		this.#db = db;
	}

	image(): Uint8Array {
		return this.#db.export();
	}

	takeChanged(): null {
		return null;
	}

	restoreChanged(): void {}
}
