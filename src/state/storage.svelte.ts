/** How safe the data is in this browser: persistent or not, space used and left. */
import {
	readStorageFacts,
	requestPersistence,
	runsInstalled,
	type StorageFacts,
} from '../client/storage-manager';
import { reportError } from './notices.svelte';

export class StorageState {
	#facts = $state.raw<StorageFacts>({ persisted: null, usage: null, quota: null });
	#loaded = $state(false);

	get persisted(): boolean | null {
		return this.#facts.persisted;
	}

	get usage(): number | null {
		return this.#facts.usage;
	}

	get quota(): number | null {
		return this.#facts.quota;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	get installed(): boolean {
		return runsInstalled();
	}

	async refresh(): Promise<void> {
		this.#facts = await readStorageFacts();
		this.#loaded = true;
	}

	/**
	 * Asks the browser to keep the data even when space runs low. Called at moments that mean something
	 * (the first monitor saved, or the button on the Database page), never on load.
	 */
	async keep(): Promise<boolean> {
		try {
			const granted = await requestPersistence();
			await this.refresh();
			return granted;
		} catch (error) {
			reportError(error, 'Asking the browser to keep your data');
			return false;
		}
	}
}
