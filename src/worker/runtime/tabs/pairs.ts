/**
 * The pairs of channels calls travel on (see protocol.ts): a follower's one link to the owner it calls,
 * and an owner's ends, one per follower that linked to it. Also counts what calls reached this worker,
 * so a test can tell that a file sent to the owner reached no other window's worker.
 */
import type { Channel, TabMessage, TabTraffic } from './protocol';

/** A follower's pair with the owner it calls. Calls wait until `ready` (the owner answered). */
export interface Link {
	owner: string;
	channel: Channel;
	ready: boolean;
}

/** The owner's ends, by follower. A window that closes leaves its end here: a few small objects. */
export class OwnerEnds {
	readonly #ends = new Map<string, Channel>();
	readonly #open: (follower: string) => Channel;
	readonly #onMessage: (message: TabMessage, end: Channel) => void;

	constructor(
		open: (follower: string) => Channel,
		onMessage: (message: TabMessage, end: Channel) => void,
	) {
		this.#open = open;
		this.#onMessage = onMessage;
	}

	/**
	 * Opens (or keeps) the end for `follower` and says so on it. A follower that linked again (after
	 * another owner came and went) opened a new channel of the same name, which the kept end still hears.
	 */
	accept(follower: string, self: string): void {
		let end = this.#ends.get(follower);
		if (!end) {
			const opened = this.#open(follower);
			opened.onmessage = (event) => this.#onMessage(event.data, opened);
			this.#ends.set(follower, (end = opened));
		}
		end.postMessage({ type: 'connected', from: self });
	}
}

/** Counts the calls (and the bytes of files in them) that reach a worker on any of its channels. */
export class TrafficCounter {
	readonly #traffic: TabTraffic = { calls: 0, callBytes: 0 };

	get traffic(): TabTraffic {
		return { ...this.#traffic };
	}

	saw(message: TabMessage): void {
		if (message.type !== 'call') return;
		this.#traffic.calls++;
		this.#traffic.callBytes += bytesIn(message.args);
	}
}

/** The bytes of buffers in `value` and its fields, one level down (where a call's files are). */
function bytesIn(value: unknown): number {
	if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
	if (typeof value !== 'object' || value === null) return 0;
	let total = 0;
	for (const field of Object.values(value)) {
		if (field instanceof ArrayBuffer || ArrayBuffer.isView(field)) total += field.byteLength;
	}
	return total;
}
