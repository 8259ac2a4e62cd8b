/**
 * How the workers of several windows talk: one BroadcastChannel per origin.
 *
 * Why a BroadcastChannel rather than MessagePorts brokered by the owner or a SharedWorker: it exists in
 * every browser that has module workers (SharedWorker is missing from Safari's and older Android's
 * workers), and when the owner changes nothing has to be re-brokered: the new owner announces itself and
 * the others address it. The cost is that every message reaches every window; with a handful of windows
 * and small messages that is negligible.
 */
import type { DbEvents, Method, Phase } from '../../../shared/api';
import type { BuildInfo } from '../../../shared/build';
import type { SaveStatus } from '../../../shared/database';
import type { WireError } from '../../../shared/errors';

export const CHANNEL_NAME = 'monitor-db';
export const LOCK_NAME = 'monitor-db-owner';

/** Owner events relayed to every window unchanged. */
export type RelayedEvent = 'progress' | 'account';

/** Sends an event to every window's page, relayed as it is. */
export type RelayEvent = <E extends RelayedEvent>(event: E, payload: DbEvents[E]) => void;

export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export type TabMessage =
	/** A worker that just started asks who owns the database. */
	| { type: 'hello'; from: string }
	/** The owner announces itself: when it is ready, when asked, and when its phase changes. */
	| { type: 'owner'; from: string; build: BuildInfo; phase: Phase }
	| { type: 'save'; from: string; status: SaveStatus }
	/** Events every window shows as they are (a task's progress, the account's lock state). */
	| { type: 'event'; from: string; event: RelayedEvent; payload: DbEvents[RelayedEvent] }
	/** Tables changed by durable writes, so every window refreshes its views. */
	| { type: 'changed'; from: string; tables: string[] }
	| {
			type: 'call';
			from: string;
			to: string;
			rid: string;
			build: BuildInfo;
			method: Method;
			args: unknown;
	  }
	| { type: 'reply'; from: string; to: string; rid: string; result: CallResult };

/** The part of BroadcastChannel the tabs use; tests pass an in-memory bus. */
export interface Channel {
	postMessage(message: TabMessage): void;
	onmessage: ((event: MessageEvent<TabMessage>) => void) | null;
}
