/**
 * The shape of a handler. Reads run directly; writes run inside `LiveDatabase.write` (a transaction
 * that resolves once durable) and must therefore be synchronous; tasks (backups, restores, calls to
 * Telegram) are long asynchronous work that runs outside any transaction and keeps the database
 * consistent itself.
 */
import type { ArgsOf, Method, ResultOf } from '../../../shared/api';
import type { HandlerContext } from './context';

export type Handler<M extends Method> =
	| {
			kind: 'read';
			run: (ctx: HandlerContext, args: ArgsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;
	  }
	| {
			kind: 'write';
			/** Async work before the transaction (sealing a secret): its result is passed to `run`. */
			prepare?: (ctx: HandlerContext, args: ArgsOf<M>) => Promise<unknown>;
			run: (ctx: HandlerContext, args: ArgsOf<M>, prepared: unknown) => ResultOf<M>;
	  }
	| { kind: 'task'; run: (ctx: HandlerContext, args: ArgsOf<M>) => Promise<ResultOf<M>> };

export type HandlerTable = { [M in Method]: Handler<M> };

/** The handlers of one area: every method whose name starts with `area.`, and no other. */
export type AreaHandlers<Area extends string> = {
	[M in Method as M extends `${Area}.${string}` ? M : never]: Handler<M>;
};
