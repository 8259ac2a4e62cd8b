/**
 * `backup [--out path]`: a consistent copy. The file is read whole, refused if another program is
 * writing it (hot journal or WAL), checked with `PRAGMA quick_check`, written atomically and read back
 * to compare checksums. The copy is byte for byte the original, so any SQLite tool opens it.
 */
import { resolve } from 'node:path';
import { formatBytes } from '../../shared/format';
import type { CommandContext } from '../context';
import { newerMessage, openDb, requireIntact } from '../database';
import { readDbFile, writeBackup } from '../files';
import { EXIT_OK } from '../io';

export async function backup(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const file = readDbFile(ctx.file);
	const { engine, report, isMonitor } = await openDb(file, await ctx.migrations());
	try {
		requireIntact(file, engine);
	} finally {
		engine.db.close();
	}
	const target = writeBackup(file, io.now(), ctx.out ? resolve(io.cwd, ctx.out) : undefined);
	io.out(
		`💾 Backup of ${file.name} written to ${target} (${formatBytes(file.bytes.length)}, sha256 ${file.sha256.slice(0, 16)}…).`,
	);
	// Copying is always safe, so a database from a newer app is backed up too; just say so.
	if (isMonitor && report.verdict === 'newer') io.out(`Note: ${newerMessage(file, report)}`);
	return EXIT_OK;
}
