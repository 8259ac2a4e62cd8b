/**
 * The import's "Merge" way, on a file `inspectImport` checked and prepared (the same checks as a
 * Replace): `previewMerge` runs the whole merge on a private copy of the live database and drops it,
 * so the preview says exactly what confirming does; `commitMerge` runs it again on a fresh copy and
 * swaps that in (`LiveDatabase.replaceWithChanged`: backup first, one strict commit). The file stays
 * waiting until the merge succeeds, so a wrong passphrase can be typed again.
 */
import type { BackupInfo } from '../../../shared/backups';
import type { MergeChoices, MergePreview, MergeReport } from '../../../shared/merge';
import type { IncomingSummary } from '../../../shared/transfer';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Compression } from '../../stores/history/compression';
import { secretCarrier } from '../account/carry';
import { checkIncomingPassphrase } from '../account/incoming';
import { mergeInto } from './merge/merge';
import { cancelImport, waitingImport } from './session';

export interface MergeRequest {
	token: string;
	choices: MergeChoices;
	passphrase: string | null;
}

export async function previewMerge(
	db: LiveDatabase,
	{ token, choices, passphrase }: MergeRequest,
	compression: Compression,
	now: number,
): Promise<MergePreview> {
	const { engine: incoming } = waitingImport(db, token);
	if (passphrase !== null) await checkIncomingPassphrase(incoming, passphrase);
	const copy = db.copy();
	try {
		const carrier = await secretCarrier(incoming, copy, passphrase);
		const report = await mergeInto(copy, incoming, { compression, choices, carrier, now });
		return { report, conflicts: report.list.filter((m) => m.differences.length > 0).length };
	} finally {
		copy.db.close();
	}
}

export async function commitMerge(
	db: LiveDatabase,
	{ token, choices, passphrase }: MergeRequest,
	compression: Compression,
	now: number,
): Promise<{ safety: BackupInfo; report: MergeReport; merged: IncomingSummary }> {
	const { engine: incoming, incoming: merged } = waitingImport(db, token);
	if (passphrase !== null) await checkIncomingPassphrase(incoming, passphrase);
	const { result, safety } = await db.replaceWithChanged(
		async (copy) => {
			const carrier = await secretCarrier(incoming, copy, passphrase);
			return mergeInto(copy, incoming, { compression, choices, carrier, now });
		},
		{
			reason: 'before-import',
			detail: `merge of ${merged.filename}`,
			subject: 'This file',
			corrupt: 'import-corrupt',
			task: 'import',
		},
	);
	cancelImport(db, { token });
	return { safety, report: result, merged };
}
