/**
 * Loads sql.js in the worker. The wasm is a hashed asset emitted by Vite; sql.js fetches it with
 * `WebAssembly.instantiateStreaming`, so compilation overlaps the download (the server must send
 * `application/wasm`, which `vite preview` and every static host do).
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
	loading ??= initSqlJs({ locateFile: () => wasmUrl });
	return loading;
}
