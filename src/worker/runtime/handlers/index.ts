/**
 * The handler table: one entry per method of the shared `DbApi`, gathered from one module per area,
 * so the compiler rejects a missing or mistyped handler. Handlers stay thin: they check their
 * arguments (args.ts), call a service of domain/ and return its answer.
 */
import type { ArgsOf, Method, ResultOf } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { accountHandlers } from './account';
import { activityHandlers } from './activity';
import { backupHandlers } from './backups';
import { channelHandlers, eventHandlers, notificationHandlers } from './channels';
import type { HandlerContext } from './context';
import { databaseHandlers } from './database';
import { healthHandlers } from './health';
import { migrationHandlers } from './migrations';
import { monitorHandlers } from './monitors';
import { RUN_ONCE } from './once';
import { organizeHandlers } from './organize';
import { windowHandlers } from './maintenance-windows';
import type { Handler, HandlerTable } from './table';
import { telegramHandlers } from './telegram';

export type { HandlerContext, Services } from './context';
export type { Handler, HandlerTable } from './table';

export const handlers: HandlerTable = {
	...monitorHandlers,
	...organizeHandlers,
	...windowHandlers,
	...telegramHandlers,
	...channelHandlers,
	...notificationHandlers,
	...eventHandlers,
	...accountHandlers,
	...healthHandlers,
	...backupHandlers,
	...databaseHandlers,
	...migrationHandlers,
	...activityHandlers,
};

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
	if (handler.kind === 'read') return handler.run(ctx, args);
	if (handler.kind === 'task') {
		if (requestId === undefined || !RUN_ONCE.has(method) || ctx.db.readOnly)
			return handler.run(ctx, args);
		// Run once per call across a hand-over (once.ts): an answer in the ledger is this call's.
		const earlier = await ctx.db.answered(requestId);
		if (earlier) return earlier.result as ResultOf<M>;
		const result = await handler.run(ctx, args);
		return ctx.db.write(() => result, requestId);
	}
	// What `prepare` reads must come from a checked file (see LiveDatabase.settled).
	if (handler.prepare) await ctx.db.settled();
	const prepared = handler.prepare ? await handler.prepare(ctx, args) : undefined;
	return ctx.db.write(() => handler.run(ctx, args, prepared), requestId);
}
