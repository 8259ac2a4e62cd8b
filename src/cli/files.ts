/** Reading and writing database files safely: clear refusals, verified copies, atomic replacement. */
import { createHash } from 'node:crypto';
import {
	closeSync,
	existsSync,
	fsyncSync,
	linkSync,
	openSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hasSqliteHeader } from '../worker/core/database/prepare-image';
import { CliError } from './io';

export interface DbFile {
	path: string;
	/** The name used in messages. */
	name: string;
	bytes: Uint8Array;
	sha256: string;
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** Reads a database file, refusing anything that is not one, and a file another program is writing. */
export function readDbFile(path: string): DbFile {
	const name = basename(path);
	let bytes: Uint8Array;
	try {
		if (statSync(path).isDirectory())
			throw new CliError(`${path} is a directory, not a database file.`);
		bytes = new Uint8Array(readFileSync(path));
	} catch (error) {
		if (error instanceof CliError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT')
			throw new CliError(`${path}: no such file. To start a new database, run: init ${name}`);
		if (code === 'EACCES') throw new CliError(`${path}: permission denied.`);
		throw new CliError(`${path} could not be read (${code ?? String(error)}).`);
	}
	if (bytes.length === 0) throw new CliError(`${name} is empty, not a SQLite database.`);
	if (!hasSqliteHeader(bytes)) {
		throw new CliError(
			`${name} is not a SQLite database (it does not start with "SQLite format 3").`,
		);
	}
	// A hot journal or a write-ahead log holds changes the main file does not have yet.
	for (const suffix of ['-journal', '-wal']) {
		const side = `${path}${suffix}`;
		if (existsSync(side) && statSync(side).size > 0) {
			throw new CliError(
				`${name} has a ${suffix.slice(1)} file (${basename(side)}): another program is writing it or crashed while writing. Open it once with sqlite3 to recover, then try again.`,
			);
		}
	}
	return { path, name, bytes, sha256: sha256(bytes) };
}

/**
 * Replaces `file` with `bytes` atomically (a synced temporary file renamed over it), refusing if the
 * file changed on disk since it was read: the other writer's changes would be lost.
 */
export function replaceFile(file: DbFile, bytes: Uint8Array): void {
	const current = readFileSync(file.path);
	if (sha256(current) !== file.sha256) {
		throw new CliError(`${file.name} changed on disk while this command ran; nothing was written.`);
	}
	writeAtomically(file.path, bytes);
}

/** Writes a new file atomically; refuses (and writes nothing) when the path exists by then. */
export function writeNew(path: string, bytes: Uint8Array): void {
	try {
		writeAtomically(path, bytes, { overwrite: false });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST')
			throw new CliError(`${path} already exists; init never overwrites a file.`);
		if (code === 'ENOENT') throw new CliError(`${dirname(path)}: no such directory.`);
		throw new CliError(`${path} could not be written (${code ?? String(error)}).`);
	}
}

export function writeAtomically(
	path: string,
	bytes: Uint8Array,
	{ overwrite = true }: { overwrite?: boolean } = {},
): void {
	const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	try {
		const fd = openSync(temporary, 'wx');
		try {
			writeSync(fd, bytes);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		// A hard link fails with EEXIST where a rename would replace: the check and the write are one step.
		if (overwrite) renameSync(temporary, path);
		else {
			linkSync(temporary, path);
			rmSync(temporary);
		}
	} catch (error) {
		rmSync(temporary, { force: true });
		throw error;
	}
}

/** A verified copy next to the original, as the seed named them: `monitor.db.backup-<timestamp>`. */
export function writeBackup(file: DbFile, now: number, out?: string): string {
	const target = out ?? freeName(`${file.path}.backup-${timestamp(now)}`);
	if (existsSync(target)) throw new CliError(`${target} already exists; not overwriting it.`);
	try {
		writeAtomically(target, file.bytes);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new CliError(
			`the backup could not be written to ${target} (${code}); nothing was changed.`,
		);
	}
	if (sha256(readFileSync(target)) !== file.sha256) {
		throw new CliError(
			`the backup at ${target} does not read back identically; nothing was changed.`,
		);
	}
	return target;
}

/** `20261126T184500Z`: sortable, in UTC, and safe in a file name on every system. */
export function timestamp(epochMs: number): string {
	return new Date(epochMs)
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z');
}

function freeName(path: string): string {
	if (!existsSync(path)) return path;
	for (let n = 2; ; n++) if (!existsSync(`${path}-${n}`)) return `${path}-${n}`;
}
