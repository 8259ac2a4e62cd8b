import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import initSqlJs from 'sql.js';
import {
	applyLog,
	assemble,
	assembleWithSnapshot,
	chunksNewerThan,
	isSnapshot,
} from '../../src/worker/core/persistence/chunks';
import { joinStored } from '../../src/worker/core/persistence/manifest-records';
import { SNAPSHOT_PART_SIZE } from '../../src/worker/core/persistence/snapshot-parts';
import { call, openApp } from './helpers';

/**
 * Kills the app at random moments during a stream of writes, many times (CRASH_LOOPS, default 5), and
 * after each kill reads what IndexedDB holds, independently of the app: the manifest's chunks must
 * assemble with every hash matching, the file must pass PRAGMA integrity_check, it must hold every
 * write the page had seen acknowledged, and the snapshot (when there is one) must agree with the chunks.
 * The kill alternates between crashing the renderer (page and worker die at once) and closing the page
 * without unload handlers (the worker is terminated mid-flight).
 */
const LOOPS = Number(process.env.CRASH_LOOPS ?? 5);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

function random(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>> 0) / 2 ** 32;
	};
}

interface RawStorage {
	manifest: unknown;
	/** The manifest's segments (manifest-records.ts), by index. */
	segments: unknown[];
	chunks: Record<number, string>;
	snapshot: unknown;
	snapshotTorn: boolean;
	/** The largest snapshot part's size, in bytes. */
	largestPart: number;
}

/** Reads the stored database with plain IndexedDB calls, on a page of the origin that runs no app. */
async function readStorage(page: Page): Promise<RawStorage> {
	await page.goto('/favicon.svg');
	return page.evaluate(async () => {
		const toBase64 = (bytes: Uint8Array) => {
			let text = '';
			for (let i = 0; i < bytes.length; i += 0x8000) {
				text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
			}
			return btoa(text);
		};
		const open = (name: string) =>
			new Promise<IDBDatabase | null>((resolve, reject) => {
				const request = indexedDB.open(name);
				// Never create a database the app has not created.
				request.onupgradeneeded = () => request.transaction?.abort();
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => resolve(null);
				request.onblocked = () => reject(new Error(`${name} is blocked`));
			});
		const readAll = (db: IDBDatabase, store: string) =>
			new Promise<Map<IDBValidKey, unknown>>((resolve, reject) => {
				const out = new Map<IDBValidKey, unknown>();
				const cursor = db.transaction(store, 'readonly').objectStore(store).openCursor();
				cursor.onsuccess = () => {
					const c = cursor.result;
					if (!c) return resolve(out);
					out.set(c.key, c.value);
					c.continue();
				};
				cursor.onerror = () => reject(cursor.error ?? new Error('cursor failed'));
			});
		const plain = (value: unknown): unknown => {
			if (value instanceof Uint32Array) return { u32: Array.from(value) };
			if (value instanceof BigUint64Array) return { u64: Array.from(value, String) };
			if (value instanceof Uint8Array) return { base64: toBase64(value) };
			if (Array.isArray(value)) return value.map(plain);
			if (value && typeof value === 'object') {
				return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
			}
			return value;
		};
		const main = await open('monitor');
		const records = main ? await readAll(main, 'database') : new Map<IDBValidKey, unknown>();
		main?.close();
		const chunks: Record<number, string> = {};
		const segments: unknown[] = [];
		for (const [key, value] of records) {
			if (typeof key === 'number' && value instanceof Uint8Array) chunks[key] = toBase64(value);
			if (Array.isArray(key) && key[0] === 'manifest' && typeof key[1] === 'number') {
				segments[key[1]] = plain(value);
			}
		}
		const snapshots = await open('monitor-snapshot');
		const stored = snapshots
			? await readAll(snapshots, 'snapshot')
			: new Map<IDBValidKey, unknown>();
		snapshots?.close();
		// The snapshot is a head and Blob parts (snapshot-parts.ts); compare it as bytes, and say whether
		// the parts are exactly the head's (a write is one transaction, so a kill must never tear them).
		let snapshot: unknown;
		let torn = false;
		let largestPart = 0;
		const head = stored.get('head') as
			{ id: string; parts: number; byteLength: number; blob?: never } | undefined;
		if (head) {
			const parts = [...stored]
				.filter(([key]) => typeof key === 'number')
				.sort(([a], [b]) => (a as number) - (b as number))
				.map(([, value]) => value as { id: string; index: number; blob: Blob });
			torn =
				parts.length !== head.parts ||
				parts.some((part, i) => part.id !== head.id || part.index !== i);
			largestPart = Math.max(0, ...parts.map((part) => part.blob.size));
			const { id: _id, parts: _parts, ...meta } = head;
			const bytes = new Uint8Array(await new Blob(parts.map((p) => p.blob)).arrayBuffer());
			snapshot = { ...meta, bytes };
		}
		return {
			manifest: plain(records.get('manifest')),
			segments,
			chunks,
			snapshot: plain(snapshot),
			snapshotTorn: torn,
			largestPart,
		};
	});
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

function revive(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(revive);
	if (value && typeof value === 'object') {
		if ('base64' in value && typeof value.base64 === 'string') return fromBase64(value.base64);
		if ('u32' in value && Array.isArray(value.u32)) return Uint32Array.from(value.u32 as number[]);
		if ('u64' in value && Array.isArray(value.u64)) {
			return BigUint64Array.from(value.u64 as string[], (h) => BigInt(h));
		}
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
	}
	return value;
}

test('killing the app at random moments during writes never loses an acknowledged write or corrupts the file', async ({
	context,
}) => {
	test.setTimeout(60_000 + LOOPS * 20_000);
	const next = random(SEED);
	const SQL = await initSqlJs();
	const acknowledged = new Set<string>();
	let snapshotsChecked = 0;
	let logged = 0;
	console.log(`crash test: ${LOOPS} loops, CRASH_SEED=${SEED}`);

	for (let loop = 0; loop < LOOPS; loop++) {
		const page = await context.newPage();
		await page.exposeBinding('acknowledge', (_source, name: string) => {
			acknowledged.add(name);
		});
		// The Database page: it does not re-render a list of thousands of monitors after every write.
		await openApp(page, '/#/database');
		// The save indicator reads "Nothing to save yet" before the database is open; a call is answered
		// only once it is (a new one created and saved). Killed earlier, there is nothing to check yet.
		await call(page, 'database.status');

		// A stream of writes, each reported the moment it resolves. Two loops in four have sixteen in flight
		// with long URLs, which make the file grow by megabytes over the loops, so saves span many chunks
		// and snapshots happen; the others have one write at a time with short URLs, so most saves change
		// a few blocks and keep them in the block log (chunks.ts) instead of writing chunks.
		const burst = Math.floor(loop / 2) % 2 === 0;
		await page.evaluate(
			([prefix, writers, padding]) => {
				const scope = globalThis as unknown as {
					monitor: { db: { call(method: string, args: unknown): Promise<unknown> } };
					acknowledge(name: string): Promise<void>;
				};
				let n = 0;
				const writer = async () => {
					for (;;) {
						const name = `${prefix} ${n++}`;
						await scope.monitor.db.call('monitors.create', {
							name,
							url: `http://127.0.0.2:9/${n}?${'padding='.repeat(padding)}`,
							intervalS: 60,
						});
						void scope.acknowledge(name);
					}
				};
				for (let i = 0; i < writers; i++) void writer();
			},
			[`crash ${loop}`, burst ? 16 : 1, burst ? 180 : 0] as const,
		);

		await page.waitForTimeout(50 + Math.floor(next() * 1500));
		if (loop % 2 === 0) {
			const cdp = await context.newCDPSession(page);
			const crashed = page.waitForEvent('crash');
			cdp.send('Page.crash').catch(() => {});
			await crashed;
		}
		await page.close({ runBeforeUnload: false });

		const reader = await context.newPage();
		const raw = await readStorage(reader);
		await reader.close();

		const stored = joinStored(revive(raw.manifest), raw.segments.map(revive));
		expect(stored, 'a manifest is stored').not.toBeNull();
		const { manifest, log } = stored!;
		if (log.length > 0) logged++;
		const chunks = Array.from({ length: manifest.chunkCount }, (_, i) =>
			fromBase64(raw.chunks[i] ?? ''),
		);
		// Chunk records are stored without the blocks of the log (chunks.ts).
		applyLog(manifest, log, new Map(chunks.map((chunk, i) => [i, chunk])));
		// Throws unless every chunk is there, of the right size, matching its hash.
		const image = assemble(manifest, chunks);

		expect(raw.snapshotTorn, `snapshot torn after kill ${loop + 1}`).toBe(false);
		expect(raw.largestPart).toBeLessThanOrEqual(SNAPSHOT_PART_SIZE);
		const snapshot = revive(raw.snapshot);
		if (isSnapshot(snapshot)) {
			const newer = chunksNewerThan(manifest, snapshot);
			if (newer) {
				const fromSnapshot = assembleWithSnapshot(
					manifest,
					snapshot,
					new Map(newer.map((i) => [i, chunks[i]!])),
				);
				expect(Buffer.compare(fromSnapshot, image), 'snapshot + newer chunks = chunks').toBe(0);
				snapshotsChecked++;
			}
		}

		const db = new SQL.Database(image);
		try {
			expect(db.exec('PRAGMA integrity_check')[0]!.values[0]![0]).toBe('ok');
			const stored = new Set(
				(db.exec('SELECT name FROM monitors')[0]?.values ?? []).map((row) => String(row[0])),
			);
			const lost = [...acknowledged].filter((name) => !stored.has(name));
			expect(lost, `acknowledged writes missing after kill ${loop + 1}`).toEqual([]);
		} finally {
			db.close();
		}
	}
	console.log(
		`crash test: ${acknowledged.size} acknowledged writes kept; ${snapshotsChecked} snapshots agreed with the chunks; ` +
			`${logged} kills left a block log`,
	);

	// And the app itself opens what the kills left behind.
	const page = await context.newPage();
	await openApp(page);
	const status = await page.evaluate(() =>
		(
			globalThis as unknown as {
				monitor: { db: { call(method: string): Promise<{ migrations: { verdict: string } }> } };
			}
		).monitor.db.call('database.status'),
	);
	expect(status.migrations.verdict).toBe('up-to-date');
	expect(acknowledged.size).toBeGreaterThan(0);
});
