/**
 * Rewriting stored backups (the account seals the secrets older backups hold in clear, or deletes those
 * backups): each is opened, handed to `rewrite`, and, when changed, stored again with what it recorded
 * (reason, detail, time) in place of the old one. The new copy is stored before the old one is deleted,
 * so a failure leaves the old one; retention is not applied to a rewritten backup (it replaces one).
 */
import type { SqlJsStatic } from 'sql.js';
import type { BackupInfo } from '../../../shared/backups';
import { openEngine } from '../connection';
import type { Engine } from '../engine';
import { describeEngine, loadBackup, saveBackup } from './backups';
import type { BackupStore } from './store';

/** What to do with one backup: leave it, store the changed copy, or delete it. */
export type BackupRewrite = 'keep' | 'rewrite' | 'delete';

export interface RewriteOutcome {
	rewritten: number;
	deleted: number;
	/** Backups that could not be read or stored again: left as they were. */
	failed: number;
}

export async function rewriteBackups(
	SQL: SqlJsStatic,
	store: BackupStore,
	rewrite: (engine: Engine, info: BackupInfo) => Promise<BackupRewrite>,
): Promise<RewriteOutcome> {
	const outcome: RewriteOutcome = { rewritten: 0, deleted: 0, failed: 0 };
	// Oldest first, so rewritten copies keep their order among themselves.
	const backups = (await store.list()).sort((a, b) => a.id - b.id);
	for (const info of backups) {
		let engine: Engine | null = null;
		try {
			engine = openEngine(SQL, (await loadBackup(store, info.id)).image);
			const verdict = await rewrite(engine, info);
			if (verdict === 'delete') {
				await store.delete(info.id);
				outcome.deleted++;
			} else if (verdict === 'rewrite') {
				await saveBackup(
					store,
					{ image: engine.db.export(), ...describeEngine(engine) },
					info.reason,
					info.detail,
					{ now: () => info.createdAt, keepAutomatic: Infinity },
				);
				await store.delete(info.id);
				outcome.rewritten++;
			}
		} catch {
			outcome.failed++;
		} finally {
			engine?.db.close();
		}
	}
	return outcome;
}
