/**
 * The worker side of the protocol. Requests are answered as they arrive, concurrently: a configuration
 * that serialises writes (the baseline) or coalesces them (monitor) does so itself, as the app would.
 */
import type { Handlers, Request, Response } from './protocol';

interface Scope {
	postMessage(message: Response, transfer?: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<Request>) => void): void;
}

export function serve(handlers: Handlers | Promise<Handlers>): void {
	const scope = self as unknown as Scope;
	const ready = Promise.resolve(handlers);
	scope.addEventListener('message', (event) => {
		const { id, op, args } = event.data;
		void (async () => {
			try {
				const table = await ready;
				const handler = table[op] as ((a: unknown) => unknown) | undefined;
				if (!handler) throw new Error(`this worker does not answer "${op}"`);
				const value = await handler(args);
				// A file is handed over, not copied.
				const transfer = value instanceof Uint8Array ? [value.buffer] : [];
				scope.postMessage({ id, ok: true, value }, transfer);
			} catch (error) {
				const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
				scope.postMessage({ id, ok: false, error: text });
			}
		})();
	});
}

/**
 * The wasm instance's memory. Neither sql.js nor the SQLite build exposes it uniformly, so the worker
 * notes every Memory that WebAssembly instantiation hands out (bench-only instrumentation).
 */
const memories: WebAssembly.Memory[] = [];
export function watchWasmMemory(): void {
	const remember = (result: WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance) => {
		const instance = 'instance' in result ? result.instance : result;
		for (const value of Object.values(instance.exports)) {
			if (value instanceof WebAssembly.Memory) memories.push(value);
		}
		return result;
	};
	const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
	const plain = WebAssembly.instantiate.bind(WebAssembly) as (
		...args: unknown[]
	) => Promise<WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance>;
	WebAssembly.instantiateStreaming = async (...args) => {
		const result = await streaming(...args);
		remember(result);
		return result;
	};
	(WebAssembly as { instantiate: unknown }).instantiate = async (...args: unknown[]) =>
		remember(await plain(...args));
}

export function wasmBytes(): number {
	return memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
}
