/** The page's side of the benchmark protocol. */
import type { BenchOps, Op, Request, Response } from '../workers/protocol';

export class WorkerRpc {
	readonly worker: Worker;
	#next = 1;
	readonly #pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();

	constructor(worker: Worker) {
		this.worker = worker;
		worker.addEventListener('message', (event: MessageEvent<Response>) => {
			const reply = event.data;
			const pending = this.#pending.get(reply.id);
			if (!pending) return;
			this.#pending.delete(reply.id);
			if (reply.ok) pending.resolve(reply.value);
			else pending.reject(new Error(reply.error));
		});
		worker.addEventListener('error', (event) => {
			for (const pending of this.#pending.values()) pending.reject(new Error(event.message));
			this.#pending.clear();
		});
	}

	call<O extends Op>(
		op: O,
		args: BenchOps[O]['args'],
		transfer: Transferable[] = [],
	): Promise<BenchOps[O]['result']> {
		const id = this.#next++;
		const request: Request<O> = { id, op, args };
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.worker.postMessage(request, transfer);
		});
	}

	terminate(): void {
		this.worker.terminate();
	}
}
