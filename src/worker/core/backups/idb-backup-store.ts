/**
 * Backups in an IndexedDB database of their own (`monitor-backups`), apart from the live database's.
 * One object store with array keys, so metadata lists without reading any chunk:
 *   [0, id]        -> BackupInfo
 *   [1, id, index] -> one chunk (Uint8Array, below 64 KiB)
 *   [2]            -> the last id handed out (ids are never reused, so a stale page cannot act on the
 *                     wrong backup)
 * Every add, with its retention, is one transaction with strict durability: a backup exists to survive
 * what comes after it, so it is on disk before the migration or restore it protects starts.
 */
import { promisifyRequest } from 'idb-keyval';
import type { BackupInfo } from '../../../shared/backups';
import { AppError, isQuotaError } from '../../../shared/errors';
import type { DurableUseStore } from '../persistence/idb-connection';
import { beyondRetention, type BackupStore, type NewBackup, type StoredBackup } from './store';

const META = 0;
const CHUNK = 1;
const SEQ_KEY = [2];

const metaKey = (id: number) => [META, id];
const metaRange = () => IDBKeyRange.bound([META, 0], [META, Infinity]);
const chunkRange = (id: number) => IDBKeyRange.bound([CHUNK, id, 0], [CHUNK, id, Infinity]);

export class IdbBackupStore implements BackupStore {
	readonly #use: DurableUseStore;

	constructor(use: DurableUseStore) {
		this.#use = use;
	}

	list(): Promise<BackupInfo[]> {
		return this.#use('readonly', async (store) => {
			const infos = await promisifyRequest<BackupInfo[]>(store.getAll(metaRange()));
			return infos.sort((a, b) => b.id - a.id);
		});
	}

	async add(backup: NewBackup, keepAutomatic: number) {
		let info: BackupInfo | undefined;
		let pruned: number[] = [];
		try {
			await this.#use(
				'readwrite',
				(store) => {
					const tx = store.transaction;
					const seq = store.get(SEQ_KEY);
					seq.onsuccess = () => {
						const id = (typeof seq.result === 'number' ? seq.result : 0) + 1;
						info = { ...backup.info, id };
						store.put(id, SEQ_KEY);
						store.put(info, metaKey(id));
						backup.chunks.forEach((chunk, index) => store.put(chunk, [CHUNK, id, index]));
						const all = store.getAll(metaRange());
						all.onsuccess = () => {
							pruned = beyondRetention(all.result as BackupInfo[], keepAutomatic);
							for (const old of pruned) {
								store.delete(metaKey(old));
								store.delete(chunkRange(old));
							}
						};
					};
					return promisifyRequest(tx);
				},
				'strict',
			);
		} catch (error) {
			if (isQuotaError(error)) throw new AppError('quota-exceeded');
			throw new AppError('backup-failed', undefined, { cause: String(error) });
		}
		if (!info) throw new AppError('backup-failed');
		return { info, pruned };
	}

	read(id: number): Promise<StoredBackup | null> {
		return this.#use('readonly', async (store) => {
			const [info, chunks] = await Promise.all([
				promisifyRequest<BackupInfo | undefined>(store.get(metaKey(id))),
				promisifyRequest<Uint8Array[]>(store.getAll(chunkRange(id))),
			]);
			return info ? { info, chunks } : null;
		});
	}

	delete(id: number): Promise<boolean> {
		return this.#use('readwrite', async (store) => {
			const existing = await promisifyRequest(store.getKey(metaKey(id)));
			store.delete(metaKey(id));
			store.delete(chunkRange(id));
			await promisifyRequest(store.transaction);
			return existing !== undefined;
		});
	}
}
