/** The Database page's backups: the list, long work in progress, and the actions on them. */
import type { DbClient } from '../client/db-client';
import type { BackupInfo, TaskProgress } from '../shared/backups';
import { notices, reportError } from './notices.svelte';

export type BackupAction = 'create' | 'restore' | 'delete' | 'download';

export class BackupsState {
	readonly #db: DbClient;
	#items = $state.raw<BackupInfo[]>([]);
	#loaded = $state(false);
	#progress = $state.raw<TaskProgress | null>(null);
	#busy = $state<BackupAction | null>(null);

	constructor(db: DbClient) {
		this.#db = db;
		db.on('progress', (progress) => {
			// Maintenance and imports report on the same event; their own card and dialog show it (an
			// import's progress includes the backup it makes).
			if (progress.task === null || progress.task === 'backup' || progress.task === 'restore')
				this.#progress = progress.task ? progress : null;
		});
	}

	get items(): BackupInfo[] {
		return this.#items;
	}

	get loaded(): boolean {
		return this.#loaded;
	}

	/** Long work the worker reports on (a backup, a restore), or null. */
	get progress(): TaskProgress | null {
		return this.#progress;
	}

	/** The action this page started and is waiting for, or null. */
	get busy(): BackupAction | null {
		return this.#busy;
	}

	async load(): Promise<void> {
		try {
			this.#items = await this.#db.call('backups.list');
			this.#loaded = true;
		} catch (error) {
			reportError(error, 'Listing backups');
		}
	}

	async create(): Promise<void> {
		await this.#run('create', 'Backing up', async () => {
			const info = await this.#db.call('backups.create');
			notices.push('info', `Backup #${info.id} made.`);
		});
	}

	async restore(id: number): Promise<void> {
		await this.#run('restore', 'Restoring', async () => {
			const { restored, safety } = await this.#db.call('backups.restore', { id });
			notices.push(
				'info',
				`Restored backup #${restored.id}. The database as it was before is backup #${safety.id}.`,
				10_000,
			);
		});
	}

	async remove(id: number): Promise<void> {
		await this.#run('delete', 'Deleting the backup', async () => {
			await this.#db.call('backups.delete', { id });
		});
	}

	/** The backup as a plain SQLite file, for the page to hand to the browser's download. */
	async file(id: number): Promise<{ filename: string; bytes: Uint8Array } | null> {
		let file: { filename: string; bytes: Uint8Array } | null = null;
		await this.#run('download', 'Downloading the backup', async () => {
			file = await this.#db.call('backups.download', { id });
		});
		return file;
	}

	async #run(action: BackupAction, doing: string, work: () => Promise<void>): Promise<void> {
		this.#busy = action;
		try {
			await work();
		} catch (error) {
			reportError(error, doing);
		} finally {
			this.#busy = null;
			await this.load();
		}
	}
}
