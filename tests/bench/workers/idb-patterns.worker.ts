/**
 * Layout study (BENCH_LAYOUT=1): what one save costs in IndexedDB under different transaction shapes,
 * chunk sizes and durabilities, and what a cold read of the whole file costs with one getAll or with
 * ranges read in parallel. Raw IndexedDB, so the numbers isolate the storage from sql.js.
 */
import { serve } from './serve';

function openDb(name: string): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onupgradeneeded = () => request.result.createObjectStore('s');
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error ?? new Error('open failed'));
	});
}

const done = (tx: IDBTransaction) =>
	new Promise<void>((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('aborted'));
	});

const req = <T>(r: IDBRequest<T>) =>
	new Promise<T>((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error ?? new Error('request failed'));
	});

export interface PatternArgs {
	fileBytes: number;
	chunkSize: number;
	durability: IDBTransactionDurability;
	shape:
		| 'read-then-write'
		| 'pipelined'
		| 'pipelined-commit'
		| 'pipelined-commit-after-check'
		| 'write-only-commit'
		| 'single-value'
		| 'single-blob';
	/** `full`: as idb-store.ts stores it (hashes and writing generations, typed, plus metadata). */
	manifest: 'array' | 'typed' | 'split' | 'full';
	/** Also read a lease record in the fence, as idb-store.ts does, and commit once it is read. */
	lease?: boolean;
	saves: number;
	readRanges: number;
	/** How a cold read fetches the chunks. */
	read?: 'getAll' | 'batches' | 'gets' | 'cursor' | 'transactions';
	/** Milliseconds to wait between the last save and the cold read. */
	settle?: number;
	random?: boolean;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function run(args: PatternArgs) {
	const name = `layout-${args.chunkSize}-${args.manifest}`;
	await new Promise((r) => {
		const d = indexedDB.deleteDatabase(name);
		d.onsuccess = d.onerror = r;
	});
	const db = await openDb(name);
	const count = Math.ceil(args.fileBytes / args.chunkSize);
	const hashes = Array.from({ length: count }, (_, i) => (i * 2654435761) >>> 0);
	const written = new Uint32Array(count);
	const manifestValue = (generation: number) =>
		args.manifest === 'full'
			? {
					format: 1,
					generation,
					byteLength: args.fileBytes,
					chunkSize: args.chunkSize,
					chunkCount: count,
					hashes: Uint32Array.from(hashes),
					written: written.slice(),
					pageSize: 4096,
					schemaVersion: 1,
					savedAt: Date.now(),
					writerId: '0b7c2a8e-9a43-4c1e-9d0f-3f1f2d7c9e11',
					lineage: '4d3f8a1c-2b6e-4f7a-8c9d-1e2f3a4b5c6d',
				}
			: args.manifest === 'typed'
				? { generation, hashes: Uint32Array.from(hashes) }
				: args.manifest === 'array'
					? { generation, hashes: hashes.slice() }
					: { generation };
	if (args.shape === 'single-value' || args.shape === 'single-blob') {
		return runSingle(db, name, args);
	}
	// Fill.
	{
		const tx = db.transaction('s', 'readwrite', { durability: 'relaxed' });
		const s = tx.objectStore('s');
		for (let i = 0; i < count; i++) {
			const chunk = new Uint8Array(Math.min(args.chunkSize, args.fileBytes - i * args.chunkSize));
			if (args.random)
				for (let o = 0; o < chunk.length; o += 65536)
					crypto.getRandomValues(chunk.subarray(o, o + 65536));
			else chunk.fill(i & 255);
			s.put(chunk, i);
		}
		s.put(manifestValue(0), 'manifest');
		if (args.lease) s.put({ writerId: 'w', claimedAt: Date.now() }, 'lease');
		if (args.manifest === 'split') s.put(Uint32Array.from(hashes), 'hashes');
		await done(tx);
	}
	// Saves: two changed chunks (the header and the tail) and the manifest.
	const saveMs: number[] = [];
	for (let g = 1; g <= args.saves; g++) {
		const start = performance.now();
		const writes = [0, count - 1].map((i) => ({
			i,
			bytes: new Uint8Array(Math.min(args.chunkSize, args.fileBytes - i * args.chunkSize)).fill(
				g & 255,
			),
		}));
		const tx = db.transaction('s', 'readwrite', { durability: args.durability });
		const s = tx.objectStore('s');
		const finished = done(tx);
		const writeAll = () => {
			for (const w of writes) s.put(w.bytes, w.i);
			s.put(manifestValue(g), 'manifest');
		};
		if (args.shape === 'read-then-write') {
			const check = s.get(args.manifest === 'split' ? 'manifest' : 'manifest');
			check.onsuccess = () => {
				if ((check.result as { generation: number }).generation !== g - 1) tx.abort();
				else writeAll();
			};
		} else if (args.shape === 'pipelined-commit-after-check') {
			// The fence read and the writes go out together; the commit is sent as soon as the check passes.
			const check = s.get('manifest');
			const last = args.lease ? s.get('lease') : check;
			last.onsuccess = () => {
				if ((check.result as { generation: number }).generation !== g - 1) tx.abort();
				else tx.commit();
			};
			writeAll();
		} else if (args.shape === 'write-only-commit') {
			writeAll();
			tx.commit();
		} else {
			const check = s.get('manifest');
			check.onsuccess = () => {
				if ((check.result as { generation: number }).generation !== g - 1) tx.abort();
			};
			writeAll();
			if (args.shape === 'pipelined-commit') tx.commit();
		}
		await finished;
		saveMs.push(performance.now() - start);
	}
	db.close();
	await new Promise((r) => setTimeout(r, args.settle ?? 0));
	// Cold read: a fresh connection, every chunk.
	const coldStart = performance.now();
	const fresh = await openDb(name);
	const openedMs = performance.now() - coldStart;
	const parts = await readAll(fresh, count, args);
	const manifest = await req(fresh.transaction('s', 'readonly').objectStore('s').get('manifest'));
	let total = 0;
	for (const part of parts) for (const chunk of part as Uint8Array[]) total += chunk.length;
	const coldMs = performance.now() - coldStart;
	const warmStart = performance.now();
	await readAll(fresh, count, args);
	const warmMs = performance.now() - warmStart;
	fresh.close();
	void manifest;
	await new Promise((r) => {
		const d = indexedDB.deleteDatabase(name);
		d.onsuccess = d.onerror = r;
	});
	return { saveP50: median(saveMs), saveMin: Math.min(...saveMs), coldMs, openedMs, warmMs, total };
}

async function readAll(db: IDBDatabase, count: number, args: PatternArgs): Promise<unknown[][]> {
	const store = () => db.transaction('s', 'readonly').objectStore('s');
	const range = (from: number, to: number) => IDBKeyRange.bound(from, Math.min(count, to) - 1);
	switch (args.read ?? 'getAll') {
		case 'getAll': {
			const s = store();
			const per = Math.ceil(count / args.readRanges);
			return Promise.all(
				Array.from({ length: args.readRanges }, (_, k) =>
					req(s.getAll(range(k * per, (k + 1) * per))),
				),
			);
		}
		case 'batches': {
			const s = store();
			const per = 64;
			return Promise.all(
				Array.from({ length: Math.ceil(count / per) }, (_, k) =>
					req(s.getAll(range(k * per, (k + 1) * per))),
				),
			);
		}
		case 'transactions': {
			const per = Math.ceil(count / args.readRanges);
			return Promise.all(
				Array.from({ length: args.readRanges }, (_, k) =>
					req(store().getAll(range(k * per, (k + 1) * per))),
				),
			);
		}
		case 'gets': {
			const s = store();
			return [await Promise.all(Array.from({ length: count }, (_, i) => req(s.get(i))))];
		}
		case 'cursor': {
			const out: unknown[] = [];
			await new Promise<void>((resolve, reject) => {
				const c = store().openCursor(range(0, count));
				c.onsuccess = () => {
					const cursor = c.result;
					if (!cursor) return resolve();
					out.push(cursor.value);
					cursor.continue();
				};
				c.onerror = () => reject(c.error ?? new Error('cursor failed'));
			});
			return [out];
		}
	}
}

/**
 * The whole file as one value: the seed's layout (bytes, kept as a blob file in Chromium, being over
 * 64 KiB, and deserialised when read) or a Blob (the snapshot's layout: read back with arrayBuffer()).
 */
async function runSingle(db: IDBDatabase, name: string, args: PatternArgs) {
	const saveMs: number[] = [];
	const blob = args.shape === 'single-blob';
	for (let g = 0; g <= Math.min(args.saves, 5); g++) {
		const bytes = new Uint8Array(args.fileBytes).fill(g & 255);
		const start = performance.now();
		const tx = db.transaction('s', 'readwrite', { durability: args.durability });
		tx.objectStore('s').put(blob ? new Blob([bytes]) : bytes, 'file');
		await done(tx);
		if (g > 0) saveMs.push(performance.now() - start);
	}
	db.close();
	const coldStart = performance.now();
	const fresh = await openDb(name);
	const value = await req(fresh.transaction('s', 'readonly').objectStore('s').get('file'));
	const file = blob ? new Uint8Array(await (value as Blob).arrayBuffer()) : value;
	const coldMs = performance.now() - coldStart;
	fresh.close();
	await new Promise((r) => {
		const d = indexedDB.deleteDatabase(name);
		d.onsuccess = d.onerror = r;
	});
	return {
		saveP50: median(saveMs),
		saveMin: Math.min(...saveMs),
		coldMs,
		total: (file as Uint8Array).length,
	};
}

serve({ pattern: (args) => run(args as unknown as PatternArgs) });
