/** Runs one contract case in a fresh worker; tests/e2e/persistence-contract.spec.ts calls this. */
import { WorkerRpc } from './rpc';

async function run(name: string, kind: 'tracked' | 'export'): Promise<void> {
	const rpc = new WorkerRpc(
		new Worker(new URL('../workers/contract.worker.ts', import.meta.url), { type: 'module' }),
	);
	try {
		await rpc.call('contract', { name, kind });
	} finally {
		rpc.terminate();
	}
}

(globalThis as unknown as { contract: { run: typeof run } }).contract = { run };
document.body.dataset['ready'] = 'true';
