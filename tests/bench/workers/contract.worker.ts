/**
 * The persistence contract (tests/contract/persistence.ts) in Chromium, against the real IndexedDB
 * store, with the sql.js this harness was built with (hooked, as in the app).
 */
import { promisifyRequest } from 'idb-keyval';
import {
	createDurableStore,
	snapshotStoreFor,
} from '../../../src/worker/core/persistence/idb-connection';
import { readSnapshot, writeSnapshot } from '../../../src/worker/core/persistence/idb-snapshot';
import { isSnapshotHead } from '../../../src/worker/core/persistence/snapshot-parts';
import { IdbImageStore } from '../../../src/worker/core/persistence/idb-store';
import type { ImageStore } from '../../../src/worker/core/persistence/image-store';
import { loadSqlJs } from '../../../src/worker/core/sqljs';
import { contractCases, type ContractEnv } from '../../contract/persistence';
import { serve } from './serve';

const names = new WeakMap<ImageStore, string>();
/**
 * Snapshots in parts of 1 MiB here (the app's are larger, snapshot-parts.ts), so the contract's files
 * of a few megabytes are stored, read and torn as several parts.
 */
const PART_SIZE = 1024 * 1024;
let next = 0;

function storeNamed(name: string): ImageStore {
	const use = createDurableStore(name, 'database');
	const store = new IdbImageStore(use, snapshotStoreFor(use), { snapshotPartSize: PART_SIZE });
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
			async editSnapshot(store, edit, { format = 'parts' } = {}) {
				const snapshots = snapshotStoreFor(createDurableStore(nameOf(store), 'database'));
				const edited = edit(await readSnapshot(snapshots));
				if (format === 'parts') {
					if (edited) await writeSnapshot(snapshots, () => edited, PART_SIZE);
					else await snapshots('readwrite', (s) => (s.clear(), promisifyRequest(s.transaction)));
					return;
				}
				// As earlier builds stored it: one value under `image`, a Blob or the bytes themselves.
				await snapshots('readwrite', (s) => {
					s.clear();
					if (edited) {
						const { bytes, ...meta } = edited;
						const blob = new Blob([bytes.slice(0, edited.byteLength)]);
						s.put(format === 'blob' ? { ...meta, blob } : edited, 'image');
					}
					return promisifyRequest(s.transaction);
				});
			},
			async tearSnapshot(store, how) {
				const snapshots = snapshotStoreFor(createDurableStore(nameOf(store), 'database'));
				await snapshots('readwrite', async (s) => {
					const head: unknown = await promisifyRequest(s.get('head'));
					if (!isSnapshotHead(head) || head.parts < 2) throw new Error('no snapshot in parts');
					if (how === 'part-missing') {
						s.delete(head.parts - 1);
					} else {
						// A later write's head and its first part, over the earlier write's other parts.
						const id = crypto.randomUUID();
						const first = (await promisifyRequest(s.get(0))) as { blob: Blob };
						s.put({ id, index: 0, blob: first.blob }, 0);
						s.put({ ...head, id, generation: head.generation + 1 }, 'head');
					}
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
