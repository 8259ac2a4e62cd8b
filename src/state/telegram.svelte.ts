/** The Telegram page's view: bots, chats, template and server, refreshed when any of them changes. */
import type { DbClient } from '../client/db-client';
import type { TelegramOverview } from '../shared/telegram';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

const WATCHED = ['telegram_bots', 'telegram_chats', 'outbox', 'settings'];

export class TelegramState {
	readonly #db: DbClient;
	#overview = $state.raw<TelegramOverview | null>(null);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 300);
		db.on('changed', ({ tables }) => {
			if (this.#overview && tables.some((t) => WATCHED.includes(t))) void this.load();
		});
	}

	get overview(): TelegramOverview | null {
		return this.#overview;
	}

	load(): Promise<void> {
		return this.#reloader.request();
	}

	async #fetch(): Promise<void> {
		try {
			this.#overview = await this.#db.call('telegram.overview');
		} catch (error) {
			reportError(error, 'Loading Telegram settings');
		}
	}

	/** The calls below throw, so each form can show its own message. */
	addBot(token: string) {
		return this.#db.call('telegram.addBot', { token });
	}

	removeBot(id: number) {
		return this.#db.call('telegram.removeBot', { id });
	}

	discover(botId: number) {
		return this.#db.call('telegram.discover', { botId });
	}

	removeWebhook(botId: number) {
		return this.#db.call('telegram.removeWebhook', { botId });
	}

	refreshChat(chatRef: number) {
		return this.#db.call('telegram.refreshChat', { chatRef });
	}

	updateChat(args: {
		chatRef: number;
		isDefault: boolean;
		defaultThreadId: number | null;
		defaultSilent: boolean;
		enable?: boolean;
	}) {
		return this.#db.call('telegram.updateChat', args);
	}

	testMessage(chatRef: number) {
		return this.#db.call('telegram.testMessage', { chatRef });
	}

	setApiBase(base: string) {
		return this.#db.call('telegram.setApiBase', { base });
	}

	setTemplate(template: string | null) {
		return this.#db.call('telegram.setTemplate', { template });
	}
}
