/**
 * The UI's one error funnel: every failure a person should hear about goes through `reportError`,
 * which logs it and turns it into a notice with a clear sentence (`describeError`: the error's own, or
 * the catalogue's for its code). An aborted call, or an error a banner already explains, shows none.
 * `notices` also carries the app's short confirmations ("info").
 */
import { AppError, ERROR_CATALOGUE } from '../shared/errors';

export interface Notice {
	id: number;
	kind: 'error' | 'info';
	message: string;
}

class Notices {
	#items = $state.raw<Notice[]>([]);
	#nextId = 1;

	get items(): Notice[] {
		return this.#items;
	}

	push(kind: Notice['kind'], message: string, timeoutMs = kind === 'error' ? 10_000 : 5_000): void {
		const notice = { id: this.#nextId++, kind, message };
		this.#items = [...this.#items, notice];
		setTimeout(() => this.dismiss(notice.id), timeoutMs);
	}

	dismiss(id: number): void {
		this.#items = this.#items.filter((n) => n.id !== id);
	}
}

export const notices = new Notices();

export function describeError(error: unknown): string {
	if (error instanceof AppError) return error.message || ERROR_CATALOGUE[error.code];
	if (error instanceof Error) return error.message;
	return String(error);
}

/** Errors a banner already explains for the whole app: repeating them per action would only be noise. */
const SHOWN_BY_BANNER = new Set(['app-outdated', 'app-locked']);

/** Reports a failure to the person using the app; `doing` says what was being attempted. */
export function reportError(error: unknown, doing?: string): void {
	if (error instanceof DOMException && error.name === 'AbortError') return;
	if (error instanceof AppError && SHOWN_BY_BANNER.has(error.code)) return;
	console.error(doing ?? 'Error', error);
	const message = describeError(error);
	notices.push('error', doing ? `${doing}: ${message}` : message);
}
