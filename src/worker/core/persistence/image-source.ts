/**
 * Where persistence gets the database file from. The app's builds hook sql.js (sqljs-patch.ts), so the
 * tracked source knows which blocks SQLite wrote and a save copies and hashes only their chunks; without
 * the hook (a sql.js the build did not patch) the export source copies the whole file and `planSave`
 * finds the changed chunks by hashing every one.
 */
import type { Database } from 'sql.js';
import { BLOCK_SIZE } from './chunks';
import { SQLJS_HOOK_PROPERTY, type SqlJsFileHook } from './sqljs-patch';

export interface ImageSource {
	/** Which implementation this is, for diagnostics and tests. */
	readonly kind: 'tracked' | 'export';
	/** The current database file, between transactions. May be a live view, valid until the next statement. */
	image(): Uint8Array;
	/** The blocks (BLOCK_SIZE each) written since the last call, or null when this source cannot tell. */
	takeChanged(): Set<number> | null;
	/** Gives back blocks whose save failed, so the next save includes them. */
	restoreChanged(blocks: Iterable<number>): void;
	/**
	 * True only when the file is known to be exactly what the last successful save stored (nothing
	 * written since `takeChanged`, nothing given back). A snapshot is taken only then.
	 */
	isClean(): boolean;
}

/** sql.js `export()`: a consistent copy of the file (the online-backup API since 1.15.2), no change tracking. */
export class ExportImageSource implements ImageSource {
	readonly kind = 'export';
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

	isClean(): boolean {
		return false;
	}
}

/**
 * The live MEMFS file of a patched sql.js (see sqljs-patch.ts) and the blocks SQLite wrote to it.
 * No export copy and no whole-file hashing: a save slices and hashes only the chunks that changed.
 * The hook reports every change since the file was opened, so the baseline is the image the database
 * was opened from, which is the stored generation (or nothing, for a new database).
 */
export class TrackedImageSource implements ImageSource {
	readonly kind = 'tracked';
	readonly #hook: SqlJsFileHook;
	/** Blocks of failed saves. */
	#restored = new Set<number>();

	constructor(hook: SqlJsFileHook) {
		this.#hook = hook;
	}

	image(): Uint8Array {
		return this.#hook.bytes();
	}

	takeChanged(): Set<number> {
		const changed = this.#restored;
		this.#restored = new Set();
		const size = this.#hook.blockSize;
		for (const index of this.#hook.takeDirty()) {
			const first = Math.floor((index * size) / BLOCK_SIZE);
			const last = Math.floor(((index + 1) * size - 1) / BLOCK_SIZE);
			for (let b = first; b <= last; b++) changed.add(b);
		}
		return changed;
	}

	restoreChanged(blocks: Iterable<number>): void {
		for (const block of blocks) this.#restored.add(block);
	}

	isClean(): boolean {
		return this.#restored.size === 0 && !this.#hook.hasDirty();
	}
}

/** The hook the build applied to sql.js, or null when this sql.js is not patched. */
export function fileHookOf(db: Database): SqlJsFileHook | null {
	const hook = (db as Database & { [SQLJS_HOOK_PROPERTY]?: SqlJsFileHook })[SQLJS_HOOK_PROPERTY];
	return hook &&
		typeof hook.bytes === 'function' &&
		typeof hook.takeDirty === 'function' &&
		typeof hook.hasDirty === 'function'
		? hook
		: null;
}

/**
 * The tracked source when the build patched sql.js, else the export-and-compare fallback (a dev
 * server's pre-bundled sql.js, or a sql.js version the patch did not recognise at build time).
 */
export function imageSourceFor(db: Database): ImageSource {
	const hook = fileHookOf(db);
	return hook ? new TrackedImageSource(hook) : new ExportImageSource(db);
}
