/**
 * One window's worker among possibly many. Exactly one of them, the owner, holds the Web Lock and the
 * database; the others are followers that forward their page's calls to it, each over a channel of its
 * own with the owner (protocol.ts: a file imported in one window reaches the owner and no other window),
 * and relay its events (changes, save status), which come over the shared channel, back to their page.
 *
 * Hand-over: when the owner's window closes or crashes, the browser gives the lock to a waiting worker,
 * which claims storage, loads the newest generation and announces itself. Followers then send every call
 * still unanswered to it, under the same request id; writes are recorded with that id in the same
 * transaction (see `LiveDatabase.write`), so a call the old owner already made durable is answered from
 * the ledger instead of being applied twice, and one it had not is applied once.
 */
import type { DbEvents, EventName, FromWorker, Method, Phase, ToWorker } from '../../../shared/api';
import { compareBuilds, type BuildInfo } from '../../../shared/build';
import type { SaveStatus } from '../../../shared/database';
import { AppError, toWireError, type WireError } from '../../../shared/errors';
import type { OwnershipLock } from '../ownership';
import { coalesceTables, latestEvery } from './coalesce';
import type { OwnerRuntime } from './owner';
import type { CallResult, Channel, Handover, RelayEvent, TabMessage, TabTraffic } from './protocol';
import { OwnerEnds, TrafficCounter, type Link } from './pairs';
import { DEFAULT_HEARTBEAT, OwnerWatch, type HeartbeatTiming } from './heartbeat';

export interface OwnerHooks {
	onPhase: (phase: Phase) => void;
	onSave: (status: SaveStatus) => void;
	onChanged: (tables: string[]) => void;
	onEvent: RelayEvent;
	/** How this window came to own the database: another window's closed, or stopped answering. */
	handover: Handover;
}

export interface TabOptions {
	id: string;
	build: BuildInfo;
	channel: Channel;
	/** Opens the channel of one follower–owner pair (`pairChannelName`). */
	pair(owner: string, follower: string): Channel;
	lock: OwnershipLock;
	toPage(message: FromWorker): void;
	/** Opens the database; called once this worker holds the lock. */
	openOwner(hooks: OwnerHooks): Promise<OwnerRuntime>;
	/** How often save status reaches other windows, at most. */
	saveEveryMs?: number;
	/** The owner's heartbeat, and the silence after which a follower takes over (heartbeat.ts). */
	heartbeat?: HeartbeatTiming;
}

interface Pending {
	pageId: number;
	method: Method;
	args: unknown;
	/** The owner this call was last sent to; null while waiting for one. */
	sentTo: string | null;
}

type Role = 'follower' | 'owner' | 'outdated';

const RETRY_ELSEWHERE = new Set(['not-owner', 'stale-writer']);

export class Tab {
	readonly #o: TabOptions;
	#role: Role = 'follower';
	#phase: Phase = { phase: 'starting' };
	#owner: { id: string; build: BuildInfo } | null = null;
	#runtime: OwnerRuntime | null = null;
	#opening: Promise<void> | null = null;
	#openFailure: WireError | null = null;
	#takingOver = false;
	/** This follower's pair with the owner; null when there is none (or this worker owns). */
	#link: Link | null = null;
	readonly #ends: OwnerEnds;
	readonly #counter = new TrafficCounter();
	readonly #pending = new Map<string, Pending>();
	readonly #watch: OwnerWatch;
	#beating: ReturnType<typeof setInterval> | null = null;

	constructor(options: TabOptions) {
		this.#o = options;
		this.#watch = new OwnerWatch(options.heartbeat ?? DEFAULT_HEARTBEAT, () => {
			// The owner froze with the lock: take it, as a newer build would (its writes are then fenced).
			if (this.#role === 'follower') void this.#takeOver();
		});
		this.#ends = new OwnerEnds(
			(follower) => this.#o.pair(this.#o.id, follower),
			(message, end) => {
				this.#counter.saw(message);
				if (message.type === 'call' && message.to === this.#o.id)
					void this.#serveRemote(message, end);
			},
		);
	}

	/** What calls reached this worker (for tests and diagnostics). */
	get traffic(): TabTraffic {
		return this.#counter.traffic;
	}

	get role(): Role {
		return this.#role;
	}

	start(): void {
		this.#o.channel.onmessage = (event) => this.#onChannel(event.data);
		this.#setPhase({ phase: 'starting' });
		this.#post({ type: 'hello', from: this.#o.id });
		void this.#o.lock.acquire().then(() => this.#becomeOwner());
		void this.#o.lock.lost.then(() => this.#becomeOutdated());
	}

	fromPage(message: ToWorker): void {
		if (message.kind !== 'call') return;
		if (this.#role === 'outdated') {
			this.#replyPage(message.id, { ok: false, error: new AppError('app-outdated').toWire() });
			return;
		}
		const rid = `${this.#o.id}:${message.id}`;
		this.#pending.set(rid, {
			pageId: message.id,
			method: message.method,
			args: message.args,
			sentTo: null,
		});
		this.#route(rid);
	}

	#route(rid: string): void {
		const call = this.#pending.get(rid);
		if (!call) return;
		if (this.#role === 'outdated') {
			this.#finish(rid, { ok: false, error: new AppError('app-outdated').toWire() });
		} else if (this.#role === 'owner') {
			if (this.#runtime) void this.#serveLocal(rid, call, this.#runtime);
			else if (this.#openFailure) this.#finish(rid, { ok: false, error: this.#openFailure });
			// Otherwise the database is still opening; #becomeOwner routes every pending call when it is.
		} else if (this.#owner) {
			const link = this.#linkTo(this.#owner.id);
			// Sent once the owner has answered the pair's handshake (#onPair routes every waiting call).
			if (!link.ready) return;
			call.sentTo = this.#owner.id;
			// A BroadcastChannel cannot transfer, so a file imported in this (follower) window is copied once
			// on its way to the owner, and to the owner alone; the page already handed it here without a
			// copy. The copy lives only until the owner has read it; `args` is kept for a resend.
			link.channel.postMessage({
				type: 'call',
				from: this.#o.id,
				to: this.#owner.id,
				rid,
				build: this.#o.build,
				method: call.method,
				args: call.args,
			});
		}
	}

	async #serveLocal(rid: string, call: Pending, runtime: OwnerRuntime): Promise<void> {
		call.sentTo = this.#o.id;
		const result = await runtime.serve(rid, call.method, call.args, this.#o.build);
		if (this.#pending.get(rid) !== call) return;
		// Sent again only if this worker stopped owning the database while the call ran (it was not made
		// durable here). An owner that is fenced answers: served here again, the call would only fail
		// again, at once, for ever.
		if (!result.ok && RETRY_ELSEWHERE.has(result.error.code) && this.#role !== 'owner') {
			call.sentTo = null;
			this.#route(rid);
			return;
		}
		this.#finish(rid, result);
	}

	/** The pair with `owner`, opened (and the owner asked to open its end) if it is not yet. */
	#linkTo(owner: string): Link {
		if (this.#link?.owner === owner) return this.#link;
		this.#unlink();
		const link: Link = { owner, channel: this.#o.pair(owner, this.#o.id), ready: false };
		link.channel.onmessage = (event) => this.#onPair(link, event.data);
		this.#link = link;
		this.#post({ type: 'connect', from: this.#o.id, to: owner });
		return link;
	}

	#unlink(): void {
		this.#link?.channel.close();
		this.#link = null;
	}

	#onPair(link: Link, message: TabMessage): void {
		this.#counter.saw(message);
		if (this.#link !== link || message.from !== link.owner) return;
		if (this.#role === 'follower' && this.#owner?.id === link.owner) this.#watch.heard();
		if (message.type === 'connected' && !link.ready) {
			link.ready = true;
			// Calls that waited for the pair, and calls sent to an owner before this one and never answered.
			for (const [rid, call] of this.#pending) if (call.sentTo !== link.owner) this.#route(rid);
		} else if (message.type === 'reply' && message.to === this.#o.id) {
			this.#onReply(message.from, message.rid, message.result);
		}
	}

	#onChannel(message: TabMessage): void {
		this.#counter.saw(message);
		if (this.#role === 'follower' && this.#owner && message.from === this.#owner.id)
			this.#watch.heard();
		switch (message.type) {
			case 'hello':
				if (this.#role === 'owner' && this.#opening) this.#announce();
				break;
			case 'owner':
				this.#onOwner(message.from, message.build, message.phase);
				break;
			case 'save':
				if (this.#role === 'follower' && message.from === this.#owner?.id)
					this.#toPage('save', { ...message.status, savedBy: 'another-window' });
				break;
			case 'event':
				if (this.#role === 'follower' && message.from === this.#owner?.id)
					this.#toPage(message.event, message.payload);
				break;
			case 'changed':
				if (this.#role === 'follower' && message.from === this.#owner?.id)
					this.#toPage('changed', { tables: message.tables });
				break;
			case 'connect':
				// Answered in any role: an owner that has since stepped down still says so to calls.
				if (message.to === this.#o.id) this.#ends.accept(message.from, this.#o.id);
				break;
		}
	}

	#onOwner(from: string, build: BuildInfo, phase: Phase): void {
		if (from === this.#o.id || this.#role !== 'follower') return;
		const order = compareBuilds(build, this.#o.build);
		if (order > 0) {
			this.#becomeOutdated();
			return;
		}
		this.#owner = { id: from, build };
		this.#watch.heard();
		if (order < 0) {
			void this.#takeOver();
			return;
		}
		this.#setPhase(phase.phase === 'ready' ? { ...phase, role: 'follower' } : phase);
		// Linked at once, so a call does not wait for the handshake; calls are routed once it is done.
		const link = this.#linkTo(from);
		if (link.ready)
			for (const [rid, call] of this.#pending) if (call.sentTo !== from) this.#route(rid);
	}

	async #serveRemote(message: Extract<TabMessage, { type: 'call' }>, end: Channel): Promise<void> {
		let result: CallResult;
		if (this.#role === 'owner') {
			await this.#opening;
			result = this.#runtime
				? await this.#runtime.serve(message.rid, message.method, message.args, message.build)
				: { ok: false, error: this.#openFailure ?? new AppError('internal').toWire() };
		} else {
			// An outdated worker tells a caller of its own age or older to reload; a newer caller (one that
			// took the lock from it, while its call was on the way) is told to send the call again.
			const callerIsOld = compareBuilds(message.build, this.#o.build) <= 0;
			result = {
				ok: false,
				error: new AppError(
					this.#role === 'outdated' && callerIsOld ? 'app-outdated' : 'not-owner',
				).toWire(),
			};
		}
		end.postMessage({
			type: 'reply',
			from: this.#o.id,
			to: message.from,
			rid: message.rid,
			result,
		});
	}

	#onReply(from: string, rid: string, result: CallResult): void {
		const call = this.#pending.get(rid);
		// An answer from an owner this call has since left (it was sent again elsewhere) is stale.
		if (!call || call.sentTo !== from) return;
		if (!result.ok && RETRY_ELSEWHERE.has(result.error.code)) {
			call.sentTo = null;
			if (this.#owner && this.#owner.id !== from) this.#route(rid);
			return;
		}
		if (!result.ok && result.error.code === 'app-outdated') {
			this.#becomeOutdated();
			return;
		}
		this.#finish(rid, result);
	}

	async #becomeOwner(): Promise<void> {
		if (this.#role !== 'follower' || this.#opening) return;
		const handover: Handover = this.#takingOver ? 'frozen' : this.#owner ? 'closed' : null;
		this.#role = 'owner';
		this.#owner = { id: this.#o.id, build: this.#o.build };
		this.#unlink();
		this.#watch.stop();
		const everyMs = (this.#o.heartbeat ?? DEFAULT_HEARTBEAT).everyMs;
		this.#beating = setInterval(() => this.#post({ type: 'beat', from: this.#o.id }), everyMs);
		// Announced at once, not once open: other followers of a frozen owner follow this one, not steal too.
		this.#setPhase({ phase: 'starting' });
		const toOthersSave = latestEvery<SaveStatus>(this.#o.saveEveryMs ?? 50, (status) => {
			this.#toPage('save', status);
			this.#post({ type: 'save', from: this.#o.id, status });
		});
		const toOthersChanged = coalesceTables((tables) => {
			this.#toPage('changed', { tables });
			this.#post({ type: 'changed', from: this.#o.id, tables });
		});
		this.#opening = (async () => {
			try {
				this.#runtime = await this.#o.openOwner({
					onPhase: (phase) => this.#setPhase(phase),
					onSave: toOthersSave,
					onChanged: toOthersChanged,
					onEvent: (event, payload) => {
						this.#toPage(event, payload);
						this.#post({ type: 'event', from: this.#o.id, event, payload });
					},
					handover,
				});
				if (this.#role !== 'owner') {
					this.#runtime.stop();
					return;
				}
				this.#toPage('save', this.#runtime.saveStatus);
				this.#setPhase(this.#runtime.phase);
			} catch (error) {
				this.#openFailure = toWireError(error);
				this.#setPhase({ phase: 'failed', error: this.#openFailure });
			}
		})();
		await this.#opening;
		// Includes calls that were sent to the previous owner and never answered.
		for (const rid of [...this.#pending.keys()]) this.#route(rid);
	}

	/** This worker runs a newer build than the owner: take the lock, and with it the database. */
	async #takeOver(): Promise<void> {
		if (this.#takingOver) return;
		this.#takingOver = true;
		await this.#o.lock.steal();
		await this.#becomeOwner();
	}

	#becomeOutdated(): void {
		if (this.#role === 'outdated') return;
		this.#role = 'outdated';
		this.#unlink();
		this.#watch.stop();
		if (this.#beating !== null) clearInterval(this.#beating);
		this.#beating = null;
		this.#runtime?.stop();
		this.#setPhase({ phase: 'outdated' });
		for (const rid of [...this.#pending.keys()]) this.#route(rid);
	}

	#setPhase(phase: Phase): void {
		this.#phase = phase;
		this.#toPage('phase', phase);
		if (this.#role === 'owner') this.#announce();
	}

	#announce(): void {
		this.#post({ type: 'owner', from: this.#o.id, build: this.#o.build, phase: this.#phase });
	}

	#finish(rid: string, result: CallResult): void {
		const call = this.#pending.get(rid);
		if (!call) return;
		this.#pending.delete(rid);
		this.#replyPage(call.pageId, result);
	}

	#replyPage(id: number, result: CallResult): void {
		this.#o.toPage(
			result.ok
				? { kind: 'reply', id, ok: true, value: result.value }
				: { kind: 'reply', id, ok: false, error: result.error },
		);
	}

	#toPage<E extends EventName>(event: E, payload: DbEvents[E]): void {
		this.#o.toPage({ kind: 'event', event, payload });
	}

	#post(message: TabMessage): void {
		this.#o.channel.postMessage(message);
	}
}
