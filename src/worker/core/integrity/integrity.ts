/**
 * The integrity check: SQLite's full `PRAGMA integrity_check` (every page, every index entry) and
 * `PRAGMA foreign_key_check`, on a copy of the file. It is one statement that cannot be split, and took
 * 2.3 s on a 50 MB database and 4.2 s on 100 MB in Chromium, so the worker that owns the database
 * does not run it: it hands a copy to a worker of its own (integrity.worker.ts) and keeps answering
 * calls. Only the copy holds the owner, for the time of one `export()` (64 ms at 50 MB).
 */
import type { SqlJsStatic } from 'sql.js';
import type { IntegrityResult } from '../../../shared/health';
import { Engine } from '../engine';

/** SQLite stops listing problems after this many. */
const MAX_MESSAGES = 100;

export function checkImage(SQL: SqlJsStatic, image: Uint8Array): IntegrityResult {
	const started = performance.now();
	const engine = new Engine(new SQL.Database(image));
	try {
		const messages = engine
			.all<{ integrity_check: string }>(`PRAGMA integrity_check(${MAX_MESSAGES})`)
			.map((r) => r.integrity_check);
		const foreignKeys = engine
			.all<{ table: string; rowid: number | null; parent: string }>('PRAGMA foreign_key_check')
			.map((r) => `${r.table} ${r.rowid ?? '?'} → ${r.parent}`);
		return {
			ok: messages.length === 1 && messages[0] === 'ok' && foreignKeys.length === 0,
			messages,
			foreignKeys,
			ms: performance.now() - started,
			sizeBytes: image.byteLength,
		};
	} finally {
		engine.db.close();
	}
}

/** Runs the check in a worker of its own, so the owner of the database keeps answering meanwhile. */
export function checkImageInWorker(image: Uint8Array): Promise<IntegrityResult> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./integrity.worker.ts', import.meta.url), {
			type: 'module',
		});
		const done = () => worker.terminate();
		worker.onmessage = (
			event: MessageEvent<{ ok: true; result: IntegrityResult } | { ok: false; error: string }>,
		) => {
			done();
			if (event.data.ok) resolve(event.data.result);
			else reject(new Error(event.data.error));
		};
		worker.onerror = (event) => {
			done();
			reject(new Error(event.message || 'The integrity check worker failed to start.'));
		};
		worker.postMessage({ image }, [image.buffer]);
	});
}
