/** The tags (name and colour), kept fresh from change notices. Errors are thrown so forms can show them. */
import type { DbClient } from '../client/db-client';
import type { Tag, TagInput } from '../shared/tags';
import { reportError } from './notices.svelte';

/** A lookup built once per list read, never changed afterwards. */
function byId(items: Tag[]): ReadonlyMap<number, Tag> {
	return new Map(items.map((t) => [t.id, t]));
}

export class TagsState {
	readonly #db: DbClient;
	#items = $state.raw<Tag[]>([]);
	#byId = $derived(byId(this.#items));
	#loaded = false;

	constructor(db: DbClient) {
		this.#db = db;
		db.on('changed', ({ tables }) => {
			if (this.#loaded && tables.includes('tags')) void this.load();
		});
	}

	get items(): Tag[] {
		return this.#items;
	}

	get byId(): ReadonlyMap<number, Tag> {
		return this.#byId;
	}

	async load(): Promise<void> {
		try {
			this.#items = await this.#db.call('tags.list');
			this.#loaded = true;
		} catch (error) {
			reportError(error, 'Loading tags');
		}
	}

	async create(input: TagInput): Promise<Tag> {
		const tag = await this.#db.call('tags.create', input);
		await this.load();
		return tag;
	}

	async update(id: number, input: TagInput): Promise<Tag> {
		const tag = await this.#db.call('tags.update', { id, input });
		await this.load();
		return tag;
	}

	async remove(id: number): Promise<void> {
		await this.#db.call('tags.delete', { id });
		await this.load();
	}
}
