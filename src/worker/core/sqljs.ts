/**
 * Loads sql.js in the worker. The wasm is a hashed asset emitted by Vite, compiled while it downloads
 * (`instantiateStreaming`; the server must send `application/wasm`, which `vite preview` and every
 * static host do).
 *
 * sql.js exposes neither its heap (`HEAP8`) nor `wasmMemory`, so the health page could not see how much
 * memory SQLite uses. Emscripten's documented `instantiateWasm` hook lets us instantiate the module
 * ourselves, exactly as sql.js would, and keep a handle on the instance's `WebAssembly.Memory`: no patch.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';

let loading: Promise<SqlJsStatic> | undefined;
let memory: WebAssembly.Memory | null = null;

async function instantiate(imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
	try {
		const streamed = await WebAssembly.instantiateStreaming(
			fetch(wasmUrl, { credentials: 'same-origin' }),
			imports,
		);
		return streamed.instance;
	} catch {
		// A server that sends the wrong MIME type: compile from bytes instead, as sql.js falls back to.
		const bytes = await (await fetch(wasmUrl, { credentials: 'same-origin' })).arrayBuffer();
		return (await WebAssembly.instantiate(bytes, imports)).instance;
	}
}

export function loadSqlJs(): Promise<SqlJsStatic> {
	loading ??= new Promise<SqlJsStatic>((resolve, reject) => {
		initSqlJs({
			locateFile: () => wasmUrl,
			instantiateWasm(imports, receive) {
				instantiate(imports).then((instance) => {
					memory =
						Object.values(instance.exports).find(
							(value): value is WebAssembly.Memory => value instanceof WebAssembly.Memory,
						) ?? null;
					receive(instance);
				}, reject);
				// Emscripten's contract for an asynchronous hook: return an empty object now.
				return {};
			},
		}).then(resolve, reject);
	});
	return loading;
}

/** The size of sql.js's WebAssembly memory in this worker (it only grows), or null before it loaded. */
export function wasmMemoryBytes(): number | null {
	return memory ? memory.buffer.byteLength : null;
}
