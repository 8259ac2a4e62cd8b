import { describe, it } from 'vitest';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { contractCases, type ContractEnv, type SourceKind } from '../contract/persistence';
import { loadSql } from './helpers';

// The same cases run in Chromium against IndexedDB: tests/e2e/persistence-contract.spec.ts.
describe.each<SourceKind>(['tracked', 'export'])(
	'persistence contract, %s source, memory store',
	(kind) => {
		for (const contractCase of contractCases) {
			it(contractCase.name, async () => {
				const env: ContractEnv = {
					SQL: await loadSql(),
					newStore: () => Promise.resolve(new MemoryImageStore()),
					sameStorage: (store) => store,
					editSnapshot: (store, edit) => {
						const memory = store as MemoryImageStore;
						memory.setSnapshot(edit(memory.snapshot));
						return Promise.resolve();
					},
					clearStorage: (store) => {
						(store as MemoryImageStore).vanish();
						return Promise.resolve();
					},
				};
				await contractCase.run(env, kind);
			});
		}
	},
);
