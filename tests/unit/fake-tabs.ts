/**
 * In-memory stand-ins for BroadcastChannel and the Web Locks API, so the tab protocol runs in Node with
 * the real sql.js and a real (memory) image store. Delivery is asynchronous, as in browsers.
 */
import {
	CHANNEL_NAME,
	type Channel,
	type TabMessage,
} from '../../src/worker/runtime/tabs/protocol';
import type { OwnershipLock } from '../../src/worker/runtime/ownership';

/**
 * BroadcastChannels by name: a message reaches every other open channel of the same name. Each channel
 * belongs to a window, so a crashed window's channels (all of them) go quiet together.
 */
export class Bus {
	readonly #members = new Set<BusChannel>();
	/** Windows whose channels drop every message they send or receive: how a crash looks to the others. */
	readonly dead = new Set<string>();
	/** Every call message each window's channels were handed: what its worker had to read. */
	readonly calls = new Map<string, TabMessage[]>();

	join(window: string, name = CHANNEL_NAME): BusChannel {
		const channel = new BusChannel(this, window, name);
		this.#members.add(channel);
		return channel;
	}

	leave(channel: BusChannel): void {
		this.#members.delete(channel);
	}

	deliver(from: BusChannel, message: TabMessage): void {
		if (this.dead.has(from.window) || !this.#members.has(from)) return;
		const copy = structuredClone(message);
		for (const member of this.#members) {
			if (member === from || member.name !== from.name || this.dead.has(member.window)) continue;
			setTimeout(() => {
				if (this.dead.has(member.window) || !this.#members.has(member)) return;
				if (copy.type === 'call') {
					let seen = this.calls.get(member.window);
					if (!seen) this.calls.set(member.window, (seen = []));
					seen.push(copy);
				}
				member.onmessage?.({ data: copy } as MessageEvent<TabMessage>);
			}, 0);
		}
	}
}

export class BusChannel implements Channel {
	onmessage: ((event: MessageEvent<TabMessage>) => void) | null = null;
	readonly #bus: Bus;
	readonly window: string;
	readonly name: string;

	constructor(bus: Bus, window: string, name: string) {
		this.#bus = bus;
		this.window = window;
		this.name = name;
	}

	postMessage(message: TabMessage): void {
		this.#bus.deliver(this, message);
	}

	close(): void {
		this.#bus.leave(this);
	}
}

interface Request {
	grant: () => void;
	aborted: boolean;
	lose?: () => void;
}

/** One exclusive lock with a queue, `steal`, and release when a holder "crashes". */
export class FakeLocks {
	#holder: Request | null = null;
	readonly #queue: Request[] = [];

	/** `stealGate`: a steal waits for it, as a real one waits for the browser (tests hold it open). */
	lock(stealGate?: Promise<void>): OwnershipLock & { crash(): void } {
		let markLost!: () => void;
		const lost = new Promise<void>((resolve) => (markLost = resolve));
		let mine: Request | null = null;
		let acquired: Promise<void> | undefined;
		return {
			acquire: () =>
				(acquired ??= new Promise<void>((resolve) => {
					mine = { grant: resolve, aborted: false, lose: markLost };
					this.#queue.push(mine);
					this.#next();
				})),
			steal: async () => {
				await stealGate;
				if (mine) mine.aborted = true;
				const previous = this.#holder;
				mine = { grant: () => {}, aborted: false, lose: markLost };
				this.#holder = mine;
				previous?.lose?.();
			},
			lost,
			crash: () => {
				if (mine && this.#holder === mine) {
					this.#holder = null;
					this.#next();
				}
				if (mine) mine.aborted = true;
			},
		};
	}

	#next(): void {
		if (this.#holder) return;
		let next = this.#queue.shift();
		while (next?.aborted) next = this.#queue.shift();
		if (!next) return;
		this.#holder = next;
		const granted = next;
		setTimeout(() => granted.grant(), 0);
	}
}
