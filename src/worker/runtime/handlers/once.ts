/**
 * Tasks that change the database or the world, and so must run once per call even when the owner
 * changes hands under them. A follower sends a call still unanswered to the new owner under the same
 * request id; a write is then answered from the `_requests` ledger (writer.ts), but a task runs outside
 * any one transaction. These record their answer in the ledger when they end, and a retried call is
 * answered from it instead of running again: a backup is not made twice, a passphrase changed by the
 * first owner is not "wrong" on the second. Tasks left out only read, or hold their result in the
 * owner's memory (an import's prepared file, the key of an unlocked database), or answer with a file:
 * running those again is right.
 */
import type { Method } from '../../../shared/api';

export const RUN_ONCE: ReadonlySet<Method> = new Set<Method>([
	'account.setPassphrase',
	'account.changePassphrase',
	'account.removePassphrase',
	'account.endSession',
	'account.setIdleMinutes',
	'account.resetForgotten',
	'backups.create',
	'backups.restore',
	'backups.delete',
	'import.commit',
	'import.merge',
	'maintenance.rotate',
	'maintenance.archiveConfirm',
	'maintenance.vacuum',
	'maintenance.optimize',
	'health.setThresholds',
	'migrations.reset',
	'telegram.addBot',
	'telegram.removeBot',
	'telegram.removeWebhook',
]);
