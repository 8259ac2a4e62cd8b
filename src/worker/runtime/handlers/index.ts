/**
 * The handler table: one entry per method of the shared `DbApi`, so the compiler rejects a missing or
 * mistyped handler. Reads run directly; writes run inside `LiveDatabase.write` (a transaction that
 * resolves once durable) and must therefore be synchronous; tasks (backups, restores) are long
 * asynchronous work that runs outside any transaction and keeps the database consistent itself.
 */
import type { ArgsOf, Method, ResultOf } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { detail, overview } from '../../domain/history/history';
import { rotate } from '../../domain/checks/retention';
import {
	createManualBackup,
	deleteBackup,
	downloadBackup,
	listBackups,
	restoreBackup,
} from './backups';
import { alertIdOf, checkHealthRange, healthOf, maintenanceOf } from './health';
import {
	createMonitor,
	deleteMonitor,
	getMonitor,
	listMonitors,
	setMonitorEnabled,
	storedHeaders,
	updateMonitor,
} from '../../domain/monitors/service';
import { getSettings, updateSettings } from '../../domain/settings';
import { exportDatabase, recordExport } from '../../domain/transfer';
import { cancelImport, commitImport, inspectImport } from '../../domain/import/session';
import type { Account } from '../../domain/account/account';
import { checkRange, positiveId } from './args';
import type { HandlerContext, Services } from './context';
import type { Handler, HandlerTable } from './table';
import { telegramHandlers } from './telegram';

export type { HandlerContext, Services } from './context';
export type { Handler, HandlerTable } from './table';

/** The longest hold on scheduled checks a flush may ask for (`database.flush`). */
const MAX_CHECK_HOLD_MS = 60_000;

export const handlers: HandlerTable = {
	'monitors.list': { kind: 'read', run: ({ db }) => listMonitors(db.engine) },
	'monitors.get': { kind: 'read', run: ({ db }, { id }) => getMonitor(db.engine, monitorId(id)) },
	'monitors.create': {
		kind: 'write',
		prepare: ({ db }, input) => storedHeaders(db.engine, input?.headers),
		run: ({ db, now }, input, headers) => createMonitor(db.engine, input, now(), headers as string),
	},
	'monitors.update': {
		kind: 'write',
		prepare: ({ db }, { input }) => storedHeaders(db.engine, input?.headers),
		run: ({ db, now }, { id, input }, headers) =>
			updateMonitor(db.engine, monitorId(id), input, now(), headers as string),
	},
	'monitors.delete': {
		kind: 'write',
		run: ({ db }, { id }) => deleteMonitor(db.engine, monitorId(id)),
	},
	'monitors.setEnabled': {
		kind: 'write',
		run: ({ db, now }, { id, enabled }) =>
			setMonitorEnabled(db.engine, monitorId(id), enabled === true, now()),
	},
	'monitors.overview': { kind: 'read', run: ({ db, now }) => overview(db.engine, now()) },
	'monitors.detail': {
		kind: 'read',
		run: ({ db, now }, { id, range }) => detail(db.engine, monitorId(id), checkRange(range), now()),
	},
	'checks.runNow': {
		kind: 'read',
		run: async ({ db, services }, { id }) => {
			const monitor = getMonitor(db.engine, monitorId(id));
			if (!services.scheduler) throw new AppError('db-read-only');
			await services.scheduler.checkNow(monitor.id);
		},
	},
	...telegramHandlers,
	'account.status': { kind: 'read', run: ({ services }) => account(services).status() },
	'account.setPassphrase': {
		kind: 'task',
		run: ({ services }, { passphrase }) => account(services).setPassphrase(passphrase),
	},
	'account.changePassphrase': {
		kind: 'task',
		run: ({ services }, { current, next }) => account(services).changePassphrase(current, next),
	},
	'account.removePassphrase': {
		kind: 'task',
		run: ({ services }, { current }) => account(services).removePassphrase(current),
	},
	'account.unlock': {
		kind: 'task',
		run: ({ services }, { passphrase }) => account(services).unlock(passphrase),
	},
	'account.lock': { kind: 'task', run: ({ services }) => account(services).lock() },
	'account.activity': { kind: 'task', run: ({ services }) => account(services).activity() },
	'account.setIdleMinutes': {
		kind: 'task',
		run: ({ services }, { minutes }) => account(services).setIdleMinutes(minutes),
	},
	'account.resetForgotten': {
		kind: 'task',
		run: ({ services }, { confirm }) => {
			if (confirm !== 'remove secrets') {
				throw new AppError(
					'invalid-input',
					'Confirm that the encrypted secrets are to be removed.',
				);
			}
			return account(services).resetForgotten();
		},
	},
	'settings.get': { kind: 'read', run: ({ db }) => getSettings(db.engine) },
	'settings.update': {
		kind: 'write',
		run: ({ db, now }, patch) => updateSettings(db.engine, patch, now()),
	},
	'maintenance.rotate': {
		kind: 'task',
		run: async (ctx) =>
			ctx.services.maintenance ? ctx.services.maintenance.rotate() : rotate(ctx.db, ctx.now()),
	},
	'maintenance.archive': { kind: 'task', run: (ctx) => maintenanceOf(ctx).archive() },
	'maintenance.vacuum': { kind: 'task', run: (ctx) => maintenanceOf(ctx).vacuum() },
	'maintenance.optimize': { kind: 'task', run: (ctx) => maintenanceOf(ctx).optimize() },
	'maintenance.integrity': { kind: 'task', run: (ctx) => maintenanceOf(ctx).integrity() },
	'health.report': { kind: 'read', run: (ctx) => healthOf(ctx).report() },
	'health.history': {
		kind: 'read',
		run: (ctx, args) => healthOf(ctx).history(checkHealthRange(args)),
	},
	'health.alerts': { kind: 'read', run: (ctx) => healthOf(ctx).activeAlerts() },
	'health.dismiss': { kind: 'write', run: (ctx, args) => healthOf(ctx).dismiss(alertIdOf(args)) },
	'health.thresholds': { kind: 'read', run: (ctx) => healthOf(ctx).thresholds() },
	'health.setThresholds': { kind: 'task', run: (ctx, args) => healthOf(ctx).setThresholds(args) },
	'database.status': { kind: 'read', run: ({ db }) => db.status() },
	'database.saveStatus': { kind: 'read', run: ({ db }) => db.persister.status() },
	'database.flush': {
		kind: 'read',
		run: async ({ db, services }, args) => {
			const hold = args && typeof args === 'object' ? Number(args.holdChecksMs) : 0;
			if (hold > 0) services.scheduler?.hold(Math.min(hold, MAX_CHECK_HOLD_MS));
			await db.persister.flushed();
			return db.persister.status();
		},
	},
	'backups.list': { kind: 'read', run: ({ db }) => listBackups(db) },
	'backups.create': { kind: 'task', run: ({ db }) => createManualBackup(db) },
	'backups.restore': { kind: 'task', run: ({ db }, args) => restoreBackup(db, args) },
	'backups.delete': { kind: 'task', run: ({ db }, args) => deleteBackup(db, args) },
	'backups.download': { kind: 'read', run: ({ db }, args) => downloadBackup(db, args) },
	'database.export': { kind: 'read', run: ({ db, now }) => exportDatabase(db, now()) },
	'database.exported': {
		kind: 'write',
		run: ({ db, now }, args) => recordExport(db.engine, args, now()),
	},
	// Synchronous work (sql.js), but long: a task, so it is never wrapped in a write transaction.
	'import.inspect': {
		kind: 'task',
		run: ({ db }, args) => Promise.resolve().then(() => inspectImport(db, args)),
	},
	'import.commit': { kind: 'task', run: ({ db }, args) => commitImport(db, args) },
	'import.cancel': { kind: 'read', run: ({ db }, args) => cancelImport(db, args) },
};

const monitorId = (id: unknown) => positiveId(id, 'A monitor id');

function account(services: Services): Account {
	if (!services.account) throw new AppError('not-owner');
	return services.account;
}

/**
 * Runs one call. `requestId` identifies the call across windows, so a write retried after a hand-over
 * is applied once (see `LiveDatabase.write`).
 */
export async function dispatch<M extends Method>(
	ctx: HandlerContext,
	method: M,
	args: ArgsOf<M>,
	requestId?: string,
): Promise<ResultOf<M>> {
	const handler = handlers[method] as Handler<M> | undefined;
	if (!handler) throw new AppError('internal', `Unknown method: ${String(method)}`);
	if (handler.kind === 'read' || handler.kind === 'task') return handler.run(ctx, args);
	// What `prepare` reads must come from a checked file (see LiveDatabase.settled).
	if (handler.prepare) await ctx.db.settled();
	const prepared = handler.prepare ? await handler.prepare(ctx, args) : undefined;
	return ctx.db.write(() => handler.run(ctx, args, prepared), requestId);
}
