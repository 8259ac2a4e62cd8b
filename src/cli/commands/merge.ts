/**
 * `merge <into.db> <from.db>`: merges another device's database into a file, as the app's import does
 * with "Merge" (domain/import/merge): `from.db` is checked as an untrusted file (the same checks as an
 * import), migrated in memory if older, and its history verified; `into.db` is backed up next to
 * itself, merged in memory and replaced atomically only once the whole merge succeeded.
 */
import { AppError } from '../../shared/errors';
import { DEFAULT_MERGE_CHOICES, skippedSecretsMessage } from '../../shared/merge';
import { INTEGRITY_CHECK_MAX_BYTES } from '../../shared/transfer';
import { prepareImage } from '../../worker/core/database/prepare-image';
import { checkUntrustedImage } from '../../worker/core/integrity/untrusted';
import { secretCarrier } from '../../worker/domain/account/carry';
import { verifyBlocks } from '../../worker/domain/history/verify';
import { mergeInto } from '../../worker/domain/import/merge/merge';
import type { Engine } from '../../worker/core/engine';
import { getUser } from '../../worker/stores/account';
import type { CommandContext } from '../context';
import {
	loadSql,
	mismatchMessage,
	newerMessage,
	openDb,
	requireIntact,
	requireMonitor,
} from '../database';
import { readDbFile, replaceFile, writeBackup } from '../files';
import { nodeCompression } from '../history-compression';
import { CliError, EXIT_OK } from '../io';

export async function merge(ctx: CommandContext): Promise<number> {
	const { io } = ctx;
	const into = readDbFile(ctx.file);
	const from = readDbFile(ctx.other!);
	const files = await ctx.migrations();
	const opened = await openDb(into, files);
	const target = opened.engine;
	requireMonitor(into, opened);
	if (opened.report.verdict === 'newer') throw new CliError(newerMessage(into, opened.report));
	if (opened.report.verdict === 'mismatch')
		throw new CliError(mismatchMessage(into, opened.report));
	if (opened.report.verdict === 'pending')
		throw new CliError(`${into.name} has migrations pending: run migrate first.`);
	requireIntact(into, target);
	if (getUser(target))
		throw new CliError(
			`${into.name} is protected by a passphrase, which the command line does not take: merge in the app.`,
		);

	const SQL = await loadSql();
	let incoming: Engine;
	try {
		const options = {
			subject: from.name,
			corrupt: 'import-corrupt' as const,
			integrityCheckMaxBytes: INTEGRITY_CHECK_MAX_BYTES,
		};
		const checked = checkUntrustedImage(SQL, from.bytes, files, options);
		incoming = prepareImage(SQL, checked.image, files, {
			...options,
			checked: checked.check,
		}).engine;
		await verifyBlocks(incoming, nodeCompression);
	} catch (error) {
		if (error instanceof AppError) throw new CliError(`${from.name}: ${error.message}`);
		throw error;
	}
	const backup = writeBackup(into, io.now());
	io.out(`💾 Backup: ${backup}`);
	const carrier = await secretCarrier(incoming, target, null);
	const report = await mergeInto(target, incoming, {
		compression: nodeCompression,
		choices: DEFAULT_MERGE_CHOICES,
		carrier,
		now: io.now(),
	});
	incoming.db.close();
	const { monitors, checks } = report;
	io.out(
		`🔀 ${monitors.new} monitors added (paused), ${monitors.matched} joined, ${monitors.skipped} skipped; ` +
			`${checks.added.toLocaleString('en')} checks added, ${checks.shared.toLocaleString('en')} in both kept once; ` +
			`${report.events} state changes added.`,
	);
	for (const m of report.list.filter((l) => l.differences.length > 0))
		io.out(
			`⚠️  ${m.name} (${m.method} ${m.url}): ${m.differences.map((d) => d.field).join(', ')} differ; ${into.name}'s kept.`,
		);
	const skipped = skippedSecretsMessage(report.secretsSkipped);
	if (skipped) io.out(`🔒 ${skipped}`);
	replaceFile(into, target.db.export());
	io.out(`✅ ${from.name} merged into ${into.name}.`);
	return EXIT_OK;
}
