/**
 * The page's side of the worker API. `call()` is typed from the shared `DbApi`; errors come back as
 * `AppError` with their stable code. Messages posted before the worker has loaded are buffered by the
 * browser and answered in order once the database is open, so callers never wait for "ready" themselves.
 *
 * A hand-written protocol rather than Comlink: the same envelopes are later forwarded between tabs to
 * the worker that owns the database, which a proxy-object RPC cannot express.
 */
import type {
	ArgsOf,
	CallMessage,
	DbEvents,
	EventName,
	FromWorker,
	Method,
	ResultOf,
	ToWorker,
} from '../shared/api';
import { AppError } from '../shared/errors';

/** What the client needs of a Worker; tests and the benchmark pass their own. */
export interface Endpoint {
	postMessage(message: ToWorker, transfer?: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
	addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

type Listener<E extends EventName> = (payload: DbEvents[E]) => void;
type CallArgs<M extends Method> = ArgsOf<M> extends void ? [] : [args: ArgsOf<M>];

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: AppError) => void;
}

export class DbClient {
	readonly #endpoint: Endpoint;
	readonly #pending = new Map<number, Pending>();
	readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();
	readonly #last = new Map<EventName, unknown>();
	#nextId = 1;

	constructor(endpoint: Endpoint) {
		this.#endpoint = endpoint;
		endpoint.addEventListener('message', (event) => this.#receive(event.data));
		endpoint.addEventListener('error', (event) => {
			const error = new AppError('internal', `The database worker failed: ${event.message}`);
			for (const pending of this.#pending.values()) pending.reject(error);
			this.#pending.clear();
		});
	}

	call<M extends Method>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
		return this.#send(method, args[0], []);
	}

	/**
	 * Like `call`, but hands the listed buffers to the worker instead of copying them: a large file
	 * crosses without a second copy in memory, and this page can no longer read them afterwards.
	 */
	callTransfer<M extends Method>(
		method: M,
		args: ArgsOf<M>,
		transfer: Transferable[],
	): Promise<ResultOf<M>> {
		return this.#send(method, args, transfer);
	}

	#send<M extends Method>(
		method: M,
		args: unknown,
		transfer: Transferable[],
	): Promise<ResultOf<M>> {
		const id = this.#nextId++;
		const message: CallMessage = { kind: 'call', id, method, args: args as ArgsOf<M> };
		return new Promise<ResultOf<M>>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			this.#endpoint.postMessage(message, transfer);
		});
	}

	/** Subscribes to an event; the latest payload seen so far, if any, is delivered at once. */
	on<E extends EventName>(event: E, listener: Listener<E>): () => void {
		const untyped = listener as (payload: unknown) => void;
		let set = this.#listeners.get(event);
		if (!set) this.#listeners.set(event, (set = new Set()));
		set.add(untyped);
		if (!ONCE_ONLY.has(event) && this.#last.has(event)) untyped(this.#last.get(event));
		return () => set.delete(untyped);
	}

	#receive(message: FromWorker): void {
		if (message.kind === 'reply') {
			const pending = this.#pending.get(message.id);
			if (!pending) return;
			this.#pending.delete(message.id);
			if (message.ok) pending.resolve(message.value);
			else pending.reject(AppError.fromWire(message.error));
			return;
		}
		this.#last.set(message.event, message.payload);
		for (const listener of this.#listeners.get(message.event) ?? []) listener(message.payload);
	}
}

/** Events that are news when they happen, not a state to catch up on: never replayed to a late listener. */
const ONCE_ONLY: ReadonlySet<EventName> = new Set(['changed', 'notice', 'notify']);

let shared: DbClient | undefined;

/** The app's one connection; the worker is started on first use. */
export function getDb(): DbClient {
	shared ??= new DbClient(
		new Worker(new URL('../worker/runtime/main.ts', import.meta.url), {
			type: 'module',
			name: 'monitor-db',
		}),
	);
	return shared;
}
