/**
 * What every alert channel shares: a driver reads its due messages from the outbox, sends one, and says
 * what a failure means in the shared terms below; the dispatcher (dispatcher.ts) does the rest (the
 * durable claim, retries, rate-limit waits, "uncertain" and the outcome in the same write as its log line).
 */
import type { Engine } from '../../core/engine';

export type DeliveryOutcome = 'sent' | 'unconfirmed' | 'failed' | 'uncertain';

export type FailureKind =
	/** The network failed or the server is in trouble: try again later. */
	| 'transient'
	/** 429: wait `retryAfterS`, then try again. */
	| 'rate-limited'
	/** The endpoint refused this message for good (a bad address, a rejected payload, a revoked token). */
	| 'refused';

export class DeliveryFailure extends Error {
	override readonly name = 'DeliveryFailure';
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly retryAfterS: number | null = null,
		/** No answer came back, though the request may have arrived (a timeout): never sent again. */
		readonly unanswered = false,
	) {
		super(message);
	}
}

/** A message as a driver reads it from the outbox: at least its row and how often it was tried. */
export interface Outgoing {
	id: number;
	attempts: number;
}

export interface Delivered {
	/** `unconfirmed`: the request went out but its answer cannot be read (no-cors). */
	status: 'sent' | 'unconfirmed';
	/** The message's id at the other end, when it gives one (Telegram's message_id). */
	messageId?: number | null;
}

export interface DeliveryDriver<M extends Outgoing> {
	/** For reports ("Delivering Telegram messages failed"). */
	readonly name: string;
	/** Due messages this driver can send now (a sealed secret's wait for the passphrase). */
	due(engine: Engine, now: number): M[];
	/** When its next sendable message is due, or null. */
	nextAt(engine: Engine): number | null;
	/** How long this message must wait for the endpoint's rate limits (0: now). */
	waitFor(message: M, now: number): number;
	/** A request to the message's endpoint is leaving now. */
	sending(message: M, now: number): void;
	/** The endpoint said to wait until `until`. */
	block(message: M, until: number): void;
	send(engine: Engine, message: M): Promise<Delivered>;
	/**
	 * What a failure means in shared terms; or `handled` when the driver recorded the outcome itself
	 * (Telegram: a migrated group, a revoked token, a chat gone), in the engine given.
	 */
	failure(engine: Engine, message: M, error: unknown, now: number): DeliveryFailure | 'handled';
	/** The activity log's line for an outcome, in the write that records it. */
	log(engine: Engine, at: number, message: M, outcome: DeliveryOutcome, error?: string): void;
}

/** Waits after failures that are not a "retry after": 5 s, 30 s, 2 min, then every 10 min. */
export const BACKOFF_MS = [5_000, 30_000, 120_000, 600_000];

/** A server's "retry after", kept to 1 s – 1 h: a hostile or broken server cannot park the outbox for years. */
export const RETRY_AFTER_MIN_S = 1;
export const RETRY_AFTER_MAX_S = 3600;

export function clampRetryAfter(value: unknown): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) return 5;
	return Math.min(RETRY_AFTER_MAX_S, Math.max(RETRY_AFTER_MIN_S, Math.ceil(value)));
}
