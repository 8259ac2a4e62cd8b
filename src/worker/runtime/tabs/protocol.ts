/**
 * How the workers of several windows talk: one BroadcastChannel per origin for what every window hears
 * (who owns the database, its heartbeat, changes, save status, events), and one per follower–owner
 * pair (`pairChannelName`) for calls and their replies, which concern those two workers only.
 *
 * Why BroadcastChannels rather than MessagePorts brokered by the owner or a SharedWorker: they exist in
 * every browser that has module workers (SharedWorker is missing from Safari's and older Android's
 * workers), and a MessagePort cannot be handed from one window's worker to another's without one (a
 * BroadcastChannel can only copy, and a port is transferable, not copyable). A channel whose name only
 * two workers know is as private as a port: a message is delivered to every open channel of that name
 * but the sender's, and only the pair opens it. Calls do not go over the shared channel because a
 * message there is copied to every window's worker: an imported file (up to 200 MiB) would be, once per
 * window.
 *
 * The pair's handshake: a follower that learns of an owner opens the pair's channel, then asks on the
 * shared channel (`connect`); the owner opens its end and answers on the pair (`connected`), which
 * proves both ends are open (a BroadcastChannel keeps nothing for a listener that joins later). Only then
 * are calls sent. The pair is kept for the owner's life and the handshake made again with the next one.
 */
import type { DbEvents, Method, Phase } from '../../../shared/api';
import type { BuildInfo } from '../../../shared/build';
import type { SaveStatus } from '../../../shared/database';
import type { WireError } from '../../../shared/errors';

export const CHANNEL_NAME = 'monitor-db';
export const LOCK_NAME = 'monitor-db-owner';

/** The channel only `follower` and `owner` open: the follower's calls and the owner's replies. */
export function pairChannelName(owner: string, follower: string): string {
	return `${CHANNEL_NAME}/pair/${owner}/${follower}`;
}

/** Owner events relayed to every window unchanged. */
export type RelayedEvent = 'progress' | 'account' | 'notice' | 'notify';

/** Sends an event to every window's page, relayed as it is. */
export type RelayEvent = <E extends RelayedEvent>(event: E, payload: DbEvents[E]) => void;

export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

export type TabMessage =
	/** A worker that just started asks who owns the database. */
	| { type: 'hello'; from: string }
	/** The owner announces itself: when it is ready, when asked, and when its phase changes. */
	| { type: 'owner'; from: string; build: BuildInfo; phase: Phase }
	/** The owner is alive (see heartbeat.ts); a follower that stops hearing anything takes over. */
	| { type: 'beat'; from: string }
	| { type: 'save'; from: string; status: SaveStatus }
	/** Events every window shows as they are (a task's progress, the account's lock state). */
	| { type: 'event'; from: string; event: RelayedEvent; payload: DbEvents[RelayedEvent] }
	/** Tables changed by durable writes, so every window refreshes its views. */
	| { type: 'changed'; from: string; tables: string[] }
	/** A follower opened the pair's channel (`pairChannelName(to, from)`) and asks the owner to. */
	| { type: 'connect'; from: string; to: string }
	/** On the pair's channel: the owner's end is open; calls may follow. */
	| { type: 'connected'; from: string }
	/** On the pair's channel only, as is its reply. */
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
	close(): void;
}

/** What a worker's channels brought it of calls, for diagnostics and tests (`Tab.traffic`). */
export interface TabTraffic {
	/** Call messages that reached this worker, addressed to it or not. */
	calls: number;
	/** The bytes of files (ArrayBuffers and their views) those calls carried. */
	callBytes: number;
}

/** How a window came to own the database: the owner closed, or stopped answering; null: there was none. */
export type Handover = 'closed' | 'frozen' | null;
