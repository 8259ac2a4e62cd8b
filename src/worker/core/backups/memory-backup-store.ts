/** A BackupStore in memory, with the same atomicity as IndexedDB; for the Node unit tests. */
import type { BackupInfo } from '../../../shared/backups';
import { beyondRetention, type BackupStore, type NewBackup, type StoredBackup } from './store';

export class MemoryBackupStore implements BackupStore {
	#items = new Map<number, StoredBackup>();
	#seq = 0;
	/** Set to make the next adds fail. */
	failNext: Error[] = [];

	list(): Promise<BackupInfo[]> {
		const infos = [...this.#items.values()].map((b) => structuredClone(b.info));
		return Promise.resolve(infos.sort((a, b) => b.id - a.id));
	}

	async add(backup: NewBackup, keepAutomatic: number) {
		await Promise.resolve();
		const failure = this.failNext.shift();
		if (failure) throw failure;
		const info: BackupInfo = { ...structuredClone(backup.info), id: ++this.#seq };
		this.#items.set(info.id, { info, chunks: backup.chunks.map((c) => c.slice()) });
		const pruned = beyondRetention(
			[...this.#items.values()].map((b) => b.info),
			keepAutomatic,
		);
		for (const id of pruned) this.#items.delete(id);
		return { info: structuredClone(info), pruned };
	}

	read(id: number): Promise<StoredBackup | null> {
		const item = this.#items.get(id);
		return Promise.resolve(
			item ? { info: structuredClone(item.info), chunks: item.chunks.map((c) => c.slice()) } : null,
		);
	}

	delete(id: number): Promise<boolean> {
		return Promise.resolve(this.#items.delete(id));
	}

	/** For tests: damage one stored chunk of a backup. */
	corrupt(id: number, chunk = 0): void {
		const bytes = this.#items.get(id)?.chunks[chunk];
		const at = Math.floor((bytes?.length ?? 0) / 2);
		if (bytes) bytes[at] = (bytes[at] ?? 0) ^ 0xff;
	}
}
