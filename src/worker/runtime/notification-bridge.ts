/**
 * Browser notifications from the owner's worker. A dedicated worker cannot reach the service worker
 * (no `navigator.serviceWorker` there), so the owner asks the windows (a `notify` event) and a window
 * shows it with `registration.showNotification`, then answers `notifications.shown`. The first answer
 * settles the delivery; no answer within the time limit leaves it "may not have arrived".
 */
import type { NotificationRequest } from '../../shared/api';
import { DeliveryFailure } from '../domain/alerts/delivery';
import type { Notify } from '../domain/alerts/senders';

const ANSWER_WITHIN_MS = 10_000;

export class NotificationBridge {
	readonly #emit: (request: NotificationRequest) => void;
	readonly #waiting = new Map<
		string,
		{ resolve: () => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> }
	>();

	constructor(emit: (request: NotificationRequest) => void) {
		this.#emit = emit;
	}

	readonly notify: Notify = (n) =>
		new Promise<void>((resolve, reject) => {
			const id = crypto.randomUUID();
			const timer = setTimeout(() => {
				this.#waiting.delete(id);
				reject(
					new DeliveryFailure('transient', 'No window answered the notification.', null, true),
				);
			}, ANSWER_WITHIN_MS);
			this.#waiting.set(id, { resolve, reject, timer });
			this.#emit({ id, ...n });
		});

	/** A window's answer; a second answer for the same notification is ignored. */
	shown(id: string, error: string | null): void {
		const waiting = this.#waiting.get(id);
		if (!waiting) return;
		this.#waiting.delete(id);
		clearTimeout(waiting.timer);
		if (error === null) waiting.resolve();
		else waiting.reject(new DeliveryFailure('refused', error));
	}
}
