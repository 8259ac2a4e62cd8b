/**
 * The persistence contract (tests/contract/persistence.ts) in Chromium, against the real IndexedDB
 * store, with the sql.js this harness was built with (hooked, as in the app).
 */
import { promisifyRequest } from 'idb-keyval';
import {
	createDurableStore,
	snapshotStoreFor,
} from '../../../src/worker/core/persistence/idb-connection';
import type { Snapshot } from '../../../src/worker/core/persistence/chunks';
import {
	readSnapshot,
	writeSnapshot,
	type StoredSnapshot,
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

/** A snapshot as the build before parts stored it: the bytes as one Blob. */
function asBlob(snapshot: Snapshot): StoredSnapshot {
	const { bytes, ...meta } = snapshot;
	return { ...meta, blob: new Blob([bytes.slice(0, snapshot.byteLength)]) };
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
			async editSnapshot(store, edit, { format = 'parts' } = {}) {
				const snapshots = snapshotStoreFor(createDurableStore(nameOf(store), 'database'));
				const edited = edit(await readSnapshot(snapshots));
				if (format === 'parts') {
					if (edited) await writeSnapshot(snapshots, () => edited);
					else await snapshots('readwrite', (s) => (s.clear(), promisifyRequest(s.transaction)));
					return;
				}
				// As earlier builds stored it: one value under `image`.
				await snapshots('readwrite', (s) => {
					s.clear();
					if (edited) s.put(format === 'blob' ? asBlob(edited) : edited, 'image');
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
