/**
 * The persistence contract (tests/contract/persistence.ts) in Chromium, against the real IndexedDB
 * store, with the sql.js this harness was built with (hooked, as in the app).
 */
import { promisifyRequest } from 'idb-keyval';
import {
	createDurableStore,
	snapshotStoreFor,
} from '../../../src/worker/core/persistence/idb-connection';
import {
	readStoredSnapshot,
	storedSnapshot,
} from '../../../src/worker/core/persistence/idb-snapshot';
import { IdbImageStore } from '../../../src/worker/core/persistence/idb-store';
import type { ImageStore } from '../../../src/worker/core/persistence/image-store';
import { loadSqlJs } from '../../../src/worker/core/sqljs';
import { contractCases, type ContractEnv } from '../../contract/persistence';
import { serve } from './serve';

const names = new WeakMap<ImageStore, string>();
let next = 0;

function storeNamed(name: string): ImageStore {
	const use = createDurableStore(name, 'database');
	const store = new IdbImageStore(use, snapshotStoreFor(use));
	names.set(store, name);
	return store;
}

function nameOf(store: ImageStore): string {
	const name = names.get(store);
	if (!name) throw new Error('not a store of this harness');
	return name;
}

serve({
	async contract({ name, kind }) {
		const found = contractCases.find((c) => c.name === name);
		if (!found) throw new Error(`no contract case named "${name}"`);
		const prefix = `contract-${kind}-${Date.now()}-${next++}`;
		let stores = 0;
		const env: ContractEnv = {
			SQL: await loadSqlJs(),
			newStore: () => Promise.resolve(storeNamed(`${prefix}-${stores++}`)),
			sameStorage: (store) => storeNamed(nameOf(store)),
			async editSnapshot(store, edit, { format = 'blob' } = {}) {
				const snapshots = snapshotStoreFor(createDurableStore(nameOf(store), 'database'));
				const current = await readStoredSnapshot(
					await snapshots('readonly', (s) => promisifyRequest<unknown>(s.get('image'))),
				);
				const edited = edit(current);
				await snapshots('readwrite', (s) => {
					if (edited) s.put(format === 'blob' ? storedSnapshot(edited) : edited, 'image');
					else s.delete('image');
					return promisifyRequest(s.transaction);
				});
			},
			async clearStorage(store) {
				const name = nameOf(store);
				// Open connections hear `versionchange`, close, and the deletion goes ahead.
				for (const db of [name, `${name}-snapshot`]) {
					await new Promise((resolve, reject) => {
						const request = indexedDB.deleteDatabase(db);
						request.onsuccess = resolve;
						request.onerror = () => reject(request.error ?? new Error(`deleting ${db} failed`));
					});
				}
			},
		};
		await found.run(env, kind);
		return null;
	},
});
