/**
 * In-memory stand-ins for BroadcastChannel and the Web Locks API, so the tab protocol runs in Node with
 * the real sql.js and a real (memory) image store. Delivery is asynchronous, as in browsers.
 */
import type { Channel, TabMessage } from '../../src/worker/runtime/tabs/protocol';
import type { OwnershipLock } from '../../src/worker/runtime/ownership';

export class Bus {
	readonly #members = new Set<BusChannel>();
	/** Drops every message a member sends or receives: how a crashed window looks to the others. */
	readonly dead = new Set<BusChannel>();

	join(): BusChannel {
		const channel = new BusChannel(this);
		this.#members.add(channel);
		return channel;
	}

	deliver(from: BusChannel, message: TabMessage): void {
		if (this.dead.has(from)) return;
		const copy = structuredClone(message);
		for (const member of this.#members) {
			if (member === from || this.dead.has(member)) continue;
			setTimeout(() => {
				if (!this.dead.has(member)) member.onmessage?.({ data: copy } as MessageEvent<TabMessage>);
			}, 0);
		}
	}
}

export class BusChannel implements Channel {
	onmessage: ((event: MessageEvent<TabMessage>) => void) | null = null;
	readonly #bus: Bus;

	constructor(bus: Bus) {
		this.#bus = bus;
	}

	postMessage(message: TabMessage): void {
		this.#bus.deliver(this, message);
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
