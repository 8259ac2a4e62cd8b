/** The Channels page's view: every channel and the templates, refreshed when either changes. */
import type { DbClient } from '../client/db-client';
import { askNotificationPermission } from '../client/notifications';
import type { Channel, ChannelInput, ChannelTemplates } from '../shared/channels';
import { reportError } from './notices.svelte';
import { Reloader } from './reloader';

const WATCHED = ['channels', 'settings'];

export class ChannelsState {
	readonly #db: DbClient;
	#list = $state.raw<Channel[] | null>(null);
	#templates = $state.raw<ChannelTemplates | null>(null);
	readonly #reloader: Reloader;

	constructor(db: DbClient) {
		this.#db = db;
		this.#reloader = new Reloader(() => this.#fetch(), 300);
		db.on('changed', ({ tables }) => {
			if (this.#list && tables.some((t) => WATCHED.includes(t))) void this.load();
		});
	}

	get list(): Channel[] | null {
		return this.#list;
	}

	get templates(): ChannelTemplates | null {
		return this.#templates;
	}

	load(): Promise<void> {
		return this.#reloader.request();
	}

	async #fetch(): Promise<void> {
		try {
			const [list, templates] = await Promise.all([
				this.#db.call('channels.list'),
				this.#db.call('channels.templates'),
			]);
			this.#list = list;
			this.#templates = templates;
		} catch (error) {
			reportError(error, 'Loading channels');
		}
	}

	/** The calls below throw, so each form can show its own message. */
	async save(input: ChannelInput): Promise<Channel> {
		const saved = await this.#db.call('channels.save', input);
		// Not awaited: the form clears itself as soon as the channel is stored, before the list shows it.
		void this.#reloader.now();
		return saved;
	}

	async remove(id: number): Promise<void> {
		await this.#db.call('channels.remove', { id });
		await this.#reloader.now();
	}

	/** Asked when the person turns browser notifications on, never on load. */
	askPermission(): Promise<NotificationPermission> {
		return askNotificationPermission();
	}

	test(id: number) {
		return this.#db.call('channels.test', { id });
	}

	async setTemplates(templates: Partial<ChannelTemplates>): Promise<void> {
		this.#templates = await this.#db.call('channels.setTemplates', templates);
	}
}
