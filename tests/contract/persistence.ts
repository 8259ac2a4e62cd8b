/**
 * The persistence contract: the same assertions, run against every image source (tracked, export) and
 * every store (MemoryImageStore in Node, IdbImageStore in Chromium). Plain functions that throw on
 * failure, so they run under Vitest and inside a browser worker alike (tests/bench/pages/contract).
 */
import type { SqlJsStatic } from 'sql.js';
import { AppError } from '../../src/shared/errors';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { configure } from '../../src/worker/core/connection';
import { parseMigrations, type MigrationFile } from '../../src/worker/core/migrations/files';
import { chunkCount, type Manifest, type Snapshot } from '../../src/worker/core/persistence/chunks';
import { type SavePlan } from '../../src/worker/core/persistence/plan';
import type {
	Durability,
	ImageStore,
	LoadOptions,
	StoredImage,
} from '../../src/worker/core/persistence/image-store';
import {
	DEFAULT_SNAPSHOT_POLICY,
	type SnapshotPolicy,
} from '../../src/worker/core/persistence/snapshot-refresh';
import {
	ExportImageSource,
	imageSourceFor,
	type ImageSource,
} from '../../src/worker/core/persistence/image-source';

export type SourceKind = 'tracked' | 'export';

export interface ContractEnv {
	SQL: SqlJsStatic;
	/** A fresh, empty store. */
	newStore(): Promise<ImageStore>;
	/** A second handle onto the same storage, as another tab's worker would have. */
	sameStorage(store: ImageStore): ImageStore;
	/**
	 * Replaces the stored snapshot of `store` (a store from `newStore`) with what `edit` returns, stored
	 * as the store stores it, or as earlier builds did: `format: 'blob'` one Blob value, `'bytes'` one
	 * Uint8Array value (IndexedDB only: the memory store keeps bytes either way).
	 */
	editSnapshot(
		store: ImageStore,
		edit: (snapshot: Snapshot | null) => Snapshot | null,
		options?: { format?: 'parts' | 'blob' | 'bytes' },
	): Promise<void>;
	/**
	 * Leaves the stored snapshot of `store` torn, as a write cut short would if its parts were not one
	 * transaction: its last part missing, or a later write's head and first part over the earlier
	 * write's other parts. IndexedDB only (the memory store keeps a snapshot whole).
	 */
	tearSnapshot?(store: ImageStore, how: 'part-missing' | 'other-write'): Promise<void>;
	/** Deletes the storage of `store` (a store from `newStore`) as the browser does when site data is cleared. */
	clearStorage(store: ImageStore): Promise<void>;
}

export interface ContractCase {
	name: string;
	run(env: ContractEnv, source: SourceKind): Promise<void>;
}

export class ContractFailure extends Error {
	override readonly name = 'ContractFailure';
}

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new ContractFailure(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
	const a = JSON.stringify(actual);
	const e = JSON.stringify(expected);
	if (a !== e) throw new ContractFailure(`${what}: expected ${e}, got ${a}`);
}

/** Counts commits and written chunks, and can fail the next commits, around any store. */
export class ObservedStore implements ImageStore {
	readonly inner: ImageStore;
	commits: SavePlan[] = [];
	failNext: Error[] = [];

	constructor(inner: ImageStore) {
		this.inner = inner;
	}

	claim(writerId: string): Promise<void> {
		return this.inner.claim(writerId);
	}

	load(options?: LoadOptions): Promise<StoredImage | null> {
		return this.inner.load(options);
	}

	readManifest(): Promise<Manifest | null> {
		return this.inner.readManifest();
	}

	async commit(plan: SavePlan, expected: number, durability: Durability): Promise<void> {
		const failure = this.failNext.shift();
		if (failure) throw failure;
		await this.inner.commit(plan, expected, durability);
		this.commits.push(plan);
	}

	/** Snapshots written through this store. */
	snapshotsWritten = 0;

	async writeSnapshot(take: () => Snapshot | null): Promise<boolean> {
		const written = (await this.inner.writeSnapshot?.(take)) ?? false;
		if (written) this.snapshotsWritten++;
		return written;
	}

	reclaim(writerId: string): Promise<void> {
		return this.inner.reclaim(writerId);
	}

	dropSnapshot(): Promise<boolean> {
		return this.inner.dropSnapshot?.() ?? Promise.resolve(false);
	}

	watchLoss(listener: () => void): () => void {
		return this.inner.watchLoss?.(listener) ?? (() => {});
	}
}

const SCHEMA = `CREATE TABLE results (
	id INTEGER PRIMARY KEY,
	monitor INTEGER NOT NULL,
	at INTEGER NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX results_at ON results (at);`;

let files: Promise<MigrationFile[]> | undefined;
function schema(): Promise<MigrationFile[]> {
	files ??= parseMigrations({ '/migrations/001_results.sql': SCHEMA });
	return files;
}

function sourceFactory(kind: SourceKind) {
	return (db: Parameters<typeof imageSourceFor>[0]): ImageSource => {
		if (kind === 'export') return new ExportImageSource(db);
		const source = imageSourceFor(db);
		// A missing hook must fail the tracked runs, not quietly test the export path twice.
		check(source.kind === 'tracked', 'sql.js is not patched: the tracked source is unavailable');
		return source;
	};
}

/**
 * Saved rows with a snapshot of them, then twelve rounds of writes back to back (each waits only for
 * its own save, so the writer is never idle). `before`: the snapshot's generation before the burst, if any.
 */
async function neverPausing(env: ContractEnv, kind: SourceKind, policy: SnapshotPolicy) {
	const store = new ObservedStore(await env.newStore());
	const db = await open(env, store, kind, 4096, policy);
	await insertMany(db, 0, 2000);
	await db.persister.whenIdle();
	// The export source never knows its file to be the saved one, so it has no snapshot to start from.
	const before = (await db.persister.snapshot()) ? db.persister.generation : null;
	same(before === null, kind === 'export', 'a snapshot before the burst');
	let n = 2000;
	for (let round = 0; round < 12; round++) {
		const at = db.persister.generation;
		await Promise.all([insertMany(db, n, 300), insert(db, n + 300)]);
		n += 301;
		check(db.persister.generation > at, 'no save happened');
	}
	await db.persister.whenIdle();
	return { store, db, before };
}

async function open(
	env: ContractEnv,
	store: ImageStore,
	kind: SourceKind,
	chunkSize = 4096,
	snapshots?: SnapshotPolicy,
): Promise<LiveDatabase> {
	return LiveDatabase.open({
		SQL: env.SQL,
		store,
		files: await schema(),
		writerId: `contract-${kind}`,
		chunkSize,
		imageSource: sourceFactory(kind),
		...(snapshots ? { snapshots } : {}),
	});
}

/** ~200 bytes of text, like a check result with a short response excerpt. */
function body(n: number): string {
	return `{"status":200,"ms":${n % 997},"excerpt":"${'ok '.repeat(55)}","n":${n}}`;
}

function insert(db: LiveDatabase, n: number): Promise<unknown> {
	return db.write(() =>
		db.engine.run('INSERT INTO results (monitor, at, body) VALUES (?, ?, ?)', [n % 17, n, body(n)]),
	);
}

function insertMany(db: LiveDatabase, from: number, count: number): Promise<unknown> {
	return db.write(() => {
		for (let n = from; n < from + count; n++) {
			db.engine.run('INSERT INTO results (monitor, at, body) VALUES (?, ?, ?)', [
				n % 17,
				n,
				body(n),
			]);
		}
	});
}

/** A new store and database holding `rows` rows, all saved. */
async function savedRows(env: ContractEnv, kind: SourceKind, rows: number) {
	const raw = await env.newStore();
	const store = new ObservedStore(raw);
	const db = await open(env, store, kind, 4096);
	await insertMany(db, 0, rows);
	await db.persister.whenIdle();
	return { raw, store, db };
}

/** A snapshot of exactly the stored generation, holding `bytes`. */
function snapshotOf(stored: StoredImage, bytes: Uint8Array): Snapshot {
	const { lineage, generation, chunkSize } = stored.manifest;
	return { lineage, generation, chunkSize, byteLength: bytes.length, bytes };
}

/** What the database holds, as one string: equal strings mean equal contents. */
function contents(db: { exec(sql: string): { values: unknown[][] }[] }): string {
	const rows = db.exec('SELECT id, monitor, at, body FROM results ORDER BY id');
	return JSON.stringify(rows[0]?.values ?? []);
}

/** Opens what is stored, independently of LiveDatabase, and checks it is whole and equals `live`. */
async function assertStoredEquals(env: ContractEnv, store: ImageStore, live: LiveDatabase) {
	const stored = await store.load();
	check(stored, 'nothing is stored');
	const copy = configure(new env.SQL.Database(stored.image));
	try {
		same(copy.value('PRAGMA integrity_check'), 'ok', 'integrity_check of the stored image');
		check(
			contents(copy.db) === contents(live.engine.db),
			'the stored image does not hold what the live database holds',
		);
		same(stored.manifest.generation, live.persister.generation, 'stored generation');
		same(
			stored.manifest.chunkCount,
			chunkCount(stored.image.length, stored.manifest.chunkSize),
			'chunk count',
		);
	} finally {
		copy.db.close();
	}
}

export const contractCases: ContractCase[] = [
	{
		name: 'storage deleted under an open database is claimed again and saved whole: no acknowledged write is lost',
		async run(env, kind) {
			const raw = await env.newStore();
			const store = new ObservedStore(raw);
			const db = await open(env, store, kind, 4096);
			await insertMany(db, 0, 1000);
			await db.persister.whenIdle();
			await env.clearStorage(raw);
			await insert(db, 1000);
			same(db.persister.status().notice?.code, 'storage-lost', 'the notice');
			same(db.persister.status().state, 'saved', 'the save status');
			await assertStoredEquals(env, store, db);
			await insertMany(db, 1001, 10);
			const reopened = await open(env, store, kind);
			same(reopened.engine.value('SELECT count(*) FROM results'), 1011, 'rows after reopening');
			same(reopened.engine.value('PRAGMA integrity_check'), 'ok', 'integrity after reopening');
		},
	},
	{
		name: 'a new database is saved whole on first open, and reopens with the same contents',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			same(store.commits.length, 1, 'commits after the first open');
			same(
				store.commits[0]!.writes.length,
				store.commits[0]!.manifest.chunkCount,
				'chunks in the first save',
			);
			await assertStoredEquals(env, store, db);
			const again = await open(env, store, kind);
			same(again.persister.generation, 1, 'generation after reopening');
		},
	},
	{
		name: 'every acknowledged write is in storage when it resolves, and after reopening',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			await insertMany(db, 0, 2000); // about 0.5 MB, so there are many chunks
			for (let n = 2000; n < 2030; n++) {
				await insert(db, n);
				const stored = await store.load();
				const copy = new env.SQL.Database(stored!.image);
				const found = copy.exec('SELECT count(*) FROM results WHERE at = ?', [n])[0]!.values[0]![0];
				copy.close();
				same(found, 1, `row ${n} in storage once its write resolved`);
			}
			await assertStoredEquals(env, store, db);
			const reopened = await open(env, store, kind);
			same(reopened.engine.value('SELECT count(*) FROM results'), 2030, 'rows after reopening');
		},
	},
	{
		name: 'a one-row write saves only a few chunks, not the file',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			await insertMany(db, 0, 4000); // about 1 MB: 250 chunks of 4 KiB
			const chunks = store.commits.at(-1)!.manifest.chunkCount;
			check(chunks > 200, `expected a file of over 200 chunks, got ${chunks}`);
			for (let n = 4000; n < 4010; n++) {
				await insert(db, n);
				const written = store.commits.at(-1)!.writes.length;
				check(written <= 4, `a one-row write saved ${written} chunks`);
			}
			await assertStoredEquals(env, store, db);
		},
	},
	{
		name: 'concurrent writes are coalesced into a few saves and all of them are kept',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			const before = store.commits.length;
			await Promise.all(Array.from({ length: 300 }, (_, i) => insert(db, i)));
			const saves = store.commits.length - before;
			check(saves >= 1 && saves <= 3, `300 concurrent writes took ${saves} saves`);
			await assertStoredEquals(env, store, db);
			same(db.engine.value('SELECT count(*) FROM results'), 300, 'rows');
		},
	},
	{
		name: 'a failed save keeps its writes pending, and the retry saves every changed chunk',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			await insertMany(db, 0, 1000);
			store.failNext = [new Error('disk hiccup')];
			let acknowledged = false;
			const first = insertMany(db, 1000, 500).then(() => (acknowledged = true));
			await new Promise((resolve) => setTimeout(resolve, 20));
			check(!acknowledged, 'a write was acknowledged although its save failed');
			same(db.persister.status().state, 'error', 'status during the retry wait');
			// Changes made while the save is failing join the retry.
			const second = insert(db, 5000);
			await Promise.all([first, second]);
			await assertStoredEquals(env, store, db);
			const reopened = await open(env, store, kind);
			same(reopened.engine.value('SELECT count(*) FROM results'), 1501, 'rows after reopening');
		},
	},
	{
		name: 'a stale writer is fenced: the newer owner keeps its data',
		async run(env, kind) {
			const storage = await env.newStore();
			const first = await open(env, storage, kind);
			const second = await open(env, env.sameStorage(storage), kind);
			await insert(second, 1);
			let code: string | undefined;
			try {
				await insert(first, 2);
			} catch (error) {
				code = error instanceof AppError ? error.code : String(error);
			}
			same(code, 'stale-writer', 'the old owner’s error');
			const reopened = await open(env, storage, kind);
			same(
				reopened.engine.all('SELECT at FROM results'),
				[{ at: 1 }],
				'rows after the old owner tried to write',
			);
		},
	},
	{
		name: 'a file that shrinks (DELETE + VACUUM) and grows again is stored exactly',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind);
			await insertMany(db, 0, 3000);
			const big = store.commits.at(-1)!.manifest.chunkCount;
			await db.write(() => db.engine.run('DELETE FROM results WHERE at % 10 <> 0'));
			db.engine.exec('VACUUM');
			// VACUUM runs outside a transaction; the next write's save carries its changes.
			await insert(db, 10_001);
			const small = store.commits.at(-1)!.manifest.chunkCount;
			check(small < big / 2, `the file did not shrink: ${big} -> ${small} chunks`);
			await assertStoredEquals(env, store, db);
			await insertMany(db, 20_000, 2000);
			await assertStoredEquals(env, store, db);
		},
	},
	{
		name: 'a stored image keeps its chunk size when the configured one differs',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind, 4096);
			await insertMany(db, 0, 1000);
			const reopened = await open(env, store, kind, 32 * 1024);
			for (let n = 1000; n < 1400; n += 100) await insertMany(reopened, n, 100);
			same(store.commits.at(-1)!.manifest.chunkSize, 4096, 'chunk size after reopening');
			await assertStoredEquals(env, store, reopened);
		},
	},
	{
		name: 'random inserts, updates, deletes and vacuums: storage always equals the live database',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind, 8192);
			let seed = 42;
			const random = () => {
				seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
				return seed / 2 ** 32;
			};
			let next = 0;
			for (let step = 0; step < 40; step++) {
				const r = random();
				if (r < 0.4) {
					const count = 1 + Math.floor(random() * 300);
					await insertMany(db, next, count);
					next += count;
				} else if (r < 0.6) {
					await db.write(() =>
						db.engine.run('UPDATE results SET body = ? WHERE id % ? = 0', [
							body(step).repeat(1 + Math.floor(random() * 3)),
							2 + Math.floor(random() * 9),
						]),
					);
				} else if (r < 0.8) {
					await db.write(() =>
						db.engine.run('DELETE FROM results WHERE id % ? = 1', [2 + Math.floor(random() * 5)]),
					);
				} else if (r < 0.9) {
					db.engine.exec('VACUUM');
					await insert(db, next++);
				} else {
					await Promise.all(Array.from({ length: 20 }, () => insert(db, next++)));
				}
				await assertStoredEquals(env, store, db);
			}
		},
	},
	{
		name: 'a cold open reads the snapshot plus only the chunks written after it, and gets the same file',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind, 4096);
			await insertMany(db, 0, 4000);
			await db.persister.whenIdle();
			const taken = await db.persister.snapshot();
			// Only the tracked source can vouch that the file is exactly the saved generation.
			same(taken, kind === 'tracked', 'snapshot taken');
			for (let n = 4000; n < 4020; n++) await insert(db, n);
			const stored = await store.load();
			check(stored, 'nothing stored');
			if (kind === 'tracked') {
				same(stored.snapshotGeneration, db.persister.generation - 20, 'snapshot generation used');
				const total = stored.manifest.chunkCount;
				check(
					stored.chunksRead > 0 && stored.chunksRead < total / 4,
					`read ${stored.chunksRead} of ${total} chunk records besides the snapshot`,
				);
			} else {
				// The export source only writes the snapshots a busy writer captures during a save.
				check(
					stored.snapshotGeneration === null || stored.snapshotGeneration < db.persister.generation,
					`snapshot generation ${stored.snapshotGeneration}`,
				);
			}
			await assertStoredEquals(env, store, db);
			const reopened = await open(env, store, kind);
			same(reopened.engine.value('SELECT count(*) FROM results'), 4020, 'rows after reopening');
		},
	},
	{
		name: 'a damaged, foreign, newer or missing snapshot is ignored: the chunks are the truth',
		async run(env, kind) {
			const { raw, store, db } = await savedRows(env, kind, 3000);
			const taken = await db.persister.snapshot();
			if (!taken) {
				// The export source writes no snapshot; plant one to prove a foreign one is not trusted.
				const image = db.engine.db.export();
				await env.editSnapshot(raw, () => ({
					lineage: 'someone else',
					generation: 1,
					chunkSize: 4096,
					byteLength: image.length,
					bytes: image,
				}));
			}
			await insertMany(db, 3000, 10);
			const damages: [string, (s: Snapshot) => Snapshot][] = [
				[
					'a flipped byte',
					(s) => {
						const bytes = s.bytes.slice();
						bytes[Math.floor(s.byteLength / 2)]! ^= 0xff;
						return { ...s, bytes };
					},
				],
				['another lineage', (s) => ({ ...s, lineage: 'another database' })],
				['a generation from the future', (s) => ({ ...s, generation: s.generation + 1000 })],
				[
					'a truncated copy',
					(s) => ({
						...s,
						byteLength: Math.floor(s.byteLength / 3),
						bytes: s.bytes.slice(0, Math.floor(s.byteLength / 3)),
					}),
				],
			];
			let original: Snapshot | null = null;
			await env.editSnapshot(raw, (s) => (original = s));
			check(original, 'no snapshot stored');
			for (const [what, damage] of damages) {
				await env.editSnapshot(raw, () => damage(original!));
				const reopened = await open(env, store, kind);
				await reopened.settled();
				same(
					reopened.engine.value('SELECT count(*) FROM results'),
					3010,
					`rows after reopening with ${what}`,
				);
				same(reopened.engine.value('PRAGMA integrity_check'), 'ok', `integrity with ${what}`);
				check(
					contents(reopened.engine.db) === contents(db.engine.db),
					`contents differ after reopening with ${what}`,
				);
			}
			await env.editSnapshot(raw, () => null);
			const reopened = await open(env, store, kind);
			same(reopened.engine.value('SELECT count(*) FROM results'), 3010, 'rows without a snapshot');
		},
	},
	{
		name: 'a cold open from a damaged snapshot holds writes until its check fails, then reopens from the chunks',
		async run(env, kind) {
			const { raw, store, db } = await savedRows(env, kind, 3000);
			const truth = contents(db.engine.db);
			// A snapshot of exactly the stored generation, with one byte changed in the middle of the file.
			const stored = await store.load();
			check(stored, 'nothing is stored');
			const bytes = stored.image.slice();
			bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
			await env.editSnapshot(raw, () => snapshotOf(stored, bytes));
			const deferred = await store.load({ deferSnapshotCheck: true });
			check(
				deferred?.snapshotGeneration === stored.manifest.generation,
				'the snapshot was not used',
			);
			check(deferred.unverified.length > 0, 'no chunk was left for the deferred check');

			const reopened = await open(env, store, kind);
			const first = reopened.engine;
			const heard: string[][] = [];
			reopened.subscribe((tables) => heard.push(tables));
			const order: string[] = [];
			const settled = reopened.settled().then(() => order.push('checked'));
			const written = insert(reopened, 3000).then(() => order.push('written'));
			await Promise.all([settled, written]);
			same(order.join(' then '), 'checked then written', 'order');
			check(reopened.engine !== first, 'the database was not reopened from its chunks');
			check(
				heard.some((tables) => tables.includes('results') && tables.includes('_migrations')),
				`every table announced as changed: ${JSON.stringify(heard)}`,
			);
			same(reopened.engine.value('PRAGMA integrity_check'), 'ok', 'integrity after the reopen');
			const expected = JSON.parse(truth) as unknown[][];
			same(
				reopened.engine.value('SELECT count(*) FROM results'),
				expected.length + 1,
				'rows after the reopen and one write',
			);
			check(
				contents(reopened.engine.db).startsWith(truth.slice(0, -1)),
				'the rows from before the damaged open are not all there, unchanged',
			);
			await assertStoredEquals(env, store, reopened);
		},
	},
	{
		name: 'a torn snapshot (a part missing, or parts of two writes) is ignored: every chunk is read',
		async run(env, kind) {
			if (!env.tearSnapshot) return;
			// Past 1 MiB, so the snapshot has several parts.
			const { raw, store, db } = await savedRows(env, kind, 12_000);
			const taken = await db.persister.snapshot();
			if (!taken) {
				const stored = await store.load();
				check(stored, 'nothing is stored');
				await env.editSnapshot(raw, () => snapshotOf(stored, stored.image.slice()));
			}
			const truth = contents(db.engine.db);
			const whole = await store.load();
			same(whole?.snapshotGeneration, whole?.manifest.generation, 'the whole snapshot is used');
			let original: Snapshot | null = null;
			await env.editSnapshot(raw, (s) => (original = s));
			check(original, 'no snapshot stored');
			for (const how of ['part-missing', 'other-write'] as const) {
				// Whole again (a reopen may have replaced or, for the export source, dropped it), then torn.
				await env.editSnapshot(raw, () => original);
				await env.tearSnapshot(raw, how);
				const loaded = await store.load();
				check(loaded, 'nothing is stored');
				same(loaded.snapshotGeneration, null, `snapshot generation used with ${how}`);
				same(loaded.chunksRead, loaded.manifest.chunkCount, `chunk records read with ${how}`);
				const reopened = await open(env, store, kind);
				await reopened.settled();
				same(reopened.engine.value('PRAGMA integrity_check'), 'ok', `integrity with ${how}`);
				check(
					contents(reopened.engine.db) === truth,
					`contents differ after reopening with ${how}`,
				);
			}
		},
	},
	{
		name: 'a snapshot stored as one value by an earlier version (bytes, or one Blob) is still used',
		async run(env, kind) {
			const { raw, store, db } = await savedRows(env, kind, 2000);
			const stored = await store.load();
			check(stored, 'nothing is stored');
			for (const format of ['bytes', 'blob'] as const) {
				await env.editSnapshot(raw, () => snapshotOf(stored, stored.image.slice()), { format });
				const loaded = await store.load();
				same(loaded?.snapshotGeneration, stored.manifest.generation, `${format}: generation used`);
				same(loaded?.chunksRead, 0, `${format}: chunk records read besides the snapshot`);
			}
			const reopened = await open(env, store, kind);
			await reopened.settled();
			check(
				contents(reopened.engine.db) === contents(db.engine.db),
				'contents differ after reopening from the older snapshot',
			);
		},
	},
	{
		name: 'no snapshot is taken while a change is unsaved',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind, 4096);
			await insertMany(db, 0, 500);
			await db.persister.whenIdle();
			store.failNext = [new Error('disk hiccup')];
			const pending = insert(db, 500);
			await new Promise((resolve) => setTimeout(resolve, 20));
			same(await db.persister.snapshot(), false, 'snapshot during a failing save');
			await pending;
			// Changed in memory, not saved yet: the file is not the saved generation.
			db.engine.exec("UPDATE results SET body = 'changed' WHERE id = 1");
			same(await db.persister.snapshot(), false, 'snapshot with an unsaved change');
			await insert(db, 501);
			await db.persister.whenIdle();
			same(await db.persister.snapshot(), kind === 'tracked', 'snapshot once saved');
			await assertStoredEquals(env, store, db);
		},
	},
	{
		name: 'snapshots are refreshed by themselves after enough changes and a quiet moment',
		async run(env, kind) {
			const store = new ObservedStore(await env.newStore());
			const db = await open(env, store, kind, 4096);
			await insertMany(db, 0, 3000);
			let stored = await store.load();
			for (let i = 0; i < 50 && kind === 'tracked' && stored?.snapshotGeneration === null; i++) {
				await new Promise((resolve) => setTimeout(resolve, 100));
				await db.persister.whenIdle();
				stored = await store.load();
			}
			same(
				stored?.snapshotGeneration ?? null,
				kind === 'tracked' ? db.persister.generation : null,
				'generation of the automatic snapshot',
			);
		},
	},
	{
		name: 'a writer that never pauses still gets snapshots, of exactly the generations it saved',
		async run(env, kind) {
			// No floor, and no quiet moment in the test's time: only the overdue rule takes snapshots.
			const policy = {
				...DEFAULT_SNAPSHOT_POLICY,
				quietMs: 60_000,
				minIntervalMs: 0,
				overdueMinChunks: 0,
			};
			const { store, db, before } = await neverPausing(env, kind, policy);
			const stored = await store.load();
			check(stored, 'nothing stored');
			check(stored.snapshotGeneration !== null, 'no snapshot was captured while busy');
			check(
				stored.snapshotGeneration > (before ?? 0),
				`the snapshot is still the one from before the burst (generation ${stored.snapshotGeneration})`,
			);
			await assertStoredEquals(env, store, db);
		},
	},
	{
		name: 'a busy writer copies the whole file at most once per minimum interval',
		async run(env, kind) {
			// Overdue at every save, were it not for the spacing: after the first snapshot of the session
			// (the one taken before the burst, or for the export source one captured by a save) no other.
			const policy = {
				...DEFAULT_SNAPSHOT_POLICY,
				quietMs: 60_000,
				minIntervalMs: 3_600_000,
				overdueMinChunks: 0,
			};
			const { store, db, before } = await neverPausing(env, kind, policy);
			// Tracked: one may be captured while the first rows go in, then the one taken before the burst.
			check(
				store.snapshotsWritten <= (kind === 'export' ? 1 : 2),
				`${store.snapshotsWritten} snapshots written`,
			);
			if (before !== null)
				same((await store.load())?.snapshotGeneration, before, 'snapshot generation');
			await assertStoredEquals(env, store, db);
		},
	},
	{
		name: 'below the overdue floor, a writer that never pauses does not copy the whole file again',
		async run(env, kind) {
			// The same burst changes fewer chunks than this floor: the cold open reads them instead.
			const policy = { ...DEFAULT_SNAPSHOT_POLICY, quietMs: 60_000, overdueMinChunks: 100_000 };
			const { store, db, before } = await neverPausing(env, kind, policy);
			const stored = await store.load();
			check(stored, 'nothing stored');
			same(stored.snapshotGeneration, before, 'snapshot generation after the burst');
			check(stored.chunksRead > 0, 'the burst wrote no chunk records');
			await assertStoredEquals(env, store, db);
		},
	},
];
