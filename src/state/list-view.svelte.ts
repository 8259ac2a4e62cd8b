/**
 * The monitor list's view as the page uses it: read from the URL when it has one (a bookmark), else from
 * settings; every change goes into the URL at once and into settings shortly after (typing in the search
 * box writes once, when the typing pauses).
 */
import type { DbClient } from '../client/db-client';
import { AppError } from '../shared/errors';
import { DEFAULT_VIEW, parseView, serializeView, type ListView } from './list-view';
import { reportError } from './notices.svelte';
import { router } from './router.svelte';

const SAVE_AFTER_MS = 400;

export class ListViewState {
	readonly #db: DbClient;
	#view = $state.raw<ListView>(DEFAULT_VIEW);
	#timer: ReturnType<typeof setTimeout> | undefined;
	#opened = false;

	constructor(db: DbClient) {
		this.#db = db;
	}

	get view(): ListView {
		return this.#view;
	}

	/** The list page opened: the URL's view if it names one, else the one kept in settings. */
	async open(): Promise<void> {
		if (router.query) {
			// A bookmark or a reload: the URL's view becomes the kept one too (a save still waiting when
			// the page went away may not have happened).
			this.#view = parseView(router.query);
			this.#schedule();
		} else if (!this.#opened) {
			try {
				const { view } = await this.#db.call('listView.get');
				// The person may have changed the view while it loaded, or followed a link with one.
				if (view !== null && !router.query && serializeView(this.#view) === '')
					this.#view = parseView(view);
			} catch (error) {
				reportError(error, 'Loading the list view');
			}
		}
		this.#opened = true;
		router.replaceQuery(serializeView(this.#view));
	}

	/** The URL changed (history, an edited address): follow it; a bare `#/monitors` keeps the view. */
	follow(query: string): void {
		if (!query) router.replaceQuery(serializeView(this.#view));
		else if (query !== serializeView(this.#view)) {
			this.#view = parseView(query);
			this.#schedule();
		}
	}

	set(patch: Partial<ListView>): void {
		this.#view = { ...this.#view, ...patch };
		router.replaceQuery(serializeView(this.#view));
		this.#schedule();
	}

	#schedule(): void {
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.#save(), SAVE_AFTER_MS);
	}

	async #save(): Promise<void> {
		try {
			await this.#db.call('listView.set', { view: serializeView(this.#view) });
		} catch (error) {
			// A read-only database keeps the view in the URL only.
			if (error instanceof AppError && error.code === 'db-read-only') return;
			reportError(error, 'Keeping the list view');
		}
	}
}
