/**
 * Monitor's own persistence, exactly as the app runs it: LiveDatabase (sql.js with the file-change hook,
 * group commit) over the chunked IndexedDB store.
 */
import { promisifyRequest } from 'idb-keyval';
import { LiveDatabase } from '../../../src/worker/core/database/live-database';
import { parseMigrations } from '../../../src/worker/core/migrations/files';
import { DEFAULT_CHUNK_SIZE } from '../../../src/worker/core/persistence/chunks';
import { planSave } from '../../../src/worker/core/persistence/plan';
import {
	createDurableStore,
	snapshotStoreFor,
} from '../../../src/worker/core/persistence/idb-connection';
import { IdbImageStore } from '../../../src/worker/core/persistence/idb-store';
import type { ImageStore } from '../../../src/worker/core/persistence/image-store';
import { imageSourceFor } from '../../../src/worker/core/persistence/image-source';
import { loadSqlJs } from '../../../src/worker/core/sqljs';
import { fileBytes, INSERT_SQL, rowParams, SCHEMA } from './schema';
import { serve, wasmBytes, watchWasmMemory } from './serve';

watchWasmMemory();
/** `monitor-one-part` (report.ts): the snapshot as one part, the whole file in one Blob. */
const onePart = (self as { name?: string }).name === 'monitor-one-part';
const use = createDurableStore(onePart ? 'bench-monitor-one-part' : 'bench-monitor', 'database');
const store = new IdbImageStore(
	use,
	snapshotStoreFor(use),
	onePart ? { snapshotPartSize: 2 ** 31 } : {},
);
const files = parseMigrations({ '/migrations/001_check_results.sql': SCHEMA });
let live: LiveDatabase | undefined;
/** Saves and the time spent in them, to tell group commit at work from writes that each save alone. */
let saves = 0;
let saveMs = 0;
/** Each save since the last `memory` call: [start ms, duration ms, chunks written] (BENCH_DEBUG). */
const saveLog: [number, number, number][] = [];
const snapshotLog: string[] = [];

let loadMs = 0;
let claimMs = 0;
let loadedFrom = '';
const timings: [number, number][] = [];
const timed: ImageStore = {
	async claim(writerId) {
		const start = performance.now();
		await store.claim(writerId);
		claimMs = performance.now() - start;
	},
	async load(options) {
		const start = performance.now();
		const loaded = await store.load(options);
		loadMs = performance.now() - start;
		loadedFrom =
			loaded?.snapshotGeneration !== null
				? `snapshot + ${loaded?.chunksRead} chunks`
				: `${loaded?.chunksRead} chunks`;
		return loaded;
	},
	async writeSnapshot(take) {
		const start = performance.now();
		const written = await store.writeSnapshot(take);
		snapshotLog.push(
			`${(start - (saveLog[0]?.[0] ?? start)).toFixed(0)}+${(performance.now() - start).toFixed(0)}${written ? '' : ' (none)'}`,
		);
		return written;
	},
	readManifest: () => store.readManifest(),
	reclaim: (writerId) => store.reclaim(writerId),
	dropSnapshot: () => store.dropSnapshot(),
	watchLoss: (listener) => store.watchLoss(listener),
	async commit(plan, expected, durability) {
		const start = performance.now();
		await store.commit(plan, expected, durability);
		saves++;
		saveMs += performance.now() - start;
		saveLog.push([start, performance.now() - start, plan.writes.length]);
	},
};

const db = () => {
	if (!live) throw new Error('not open');
	return live;
};

const snapshots = snapshotStoreFor(use);

async function clear(): Promise<void> {
	for (const target of [use, snapshots]) {
		await target('readwrite', (s) => {
			s.clear();
			return promisifyRequest(s.transaction);
		});
	}
}

serve({
	async restore({ bytes }) {
		await clear();
		const plan = planSave(bytes, null, null, {
			chunkSize: DEFAULT_CHUNK_SIZE,
			pageSize: 4096,
			schemaVersion: 1,
			writerId: 'bench-restore',
			now: Date.now(),
		});
		await store.commit(plan, 0, 'strict');
		// As the app has it once its first save settled: the snapshot of that generation too.
		await store.writeSnapshot(() => ({
			lineage: plan.manifest.lineage,
			generation: plan.manifest.generation,
			chunkSize: plan.manifest.chunkSize,
			byteLength: bytes.length,
			bytes,
		}));
		return { storedBytes: bytes.length };
	},
	async open({ chunkSize }) {
		let source = 'none';
		const start = performance.now();
		let sqlMs = 0;
		// As the app's worker does: sql.js compiles while the database is read from storage.
		const SQL = () =>
			loadSqlJs().then((loaded) => {
				sqlMs = performance.now() - start;
				return loaded;
			});
		live = await LiveDatabase.open({
			imageSource: (sqlDb) => {
				const chosen = imageSourceFor(sqlDb);
				source = chosen.kind;
				return chosen;
			},
			SQL,
			store: timed,
			files,
			writerId: 'bench',
			...(chunkSize ? { chunkSize } : {}),
		});
		const rows = Number(live.engine.value('SELECT count(*) FROM check_results'));
		const totalMs = performance.now() - start;
		const marks = performance
			.getEntriesByType('mark')
			.filter((m) => m.name.startsWith('monitor:open:'))
			.map((m) => `${m.name.slice(13)} ${(m.startTime - start).toFixed(0)}`)
			.join(', ');
		performance.clearMarks();
		return {
			rows,
			fileBytes: fileBytes(live.engine),
			source: `${source}; sql.js ${sqlMs.toFixed(0)} ms, claim ${claimMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms (${loadedFrom}), open total ${totalMs.toFixed(0)} ms; at ${marks}`,
		};
	},
	async write({ n }) {
		const d = db();
		const start = performance.now();
		let committed = 0;
		await d.write(() => {
			d.engine.run(INSERT_SQL, rowParams(n));
			committed = performance.now();
		});
		const end = performance.now();
		timings.push([committed - start, end - committed]);
		return null;
	},
	async txn({ from, count }) {
		const d = db();
		// One prepared statement, as the other configurations do: this measures persistence, not SQL parsing.
		await d.write(() => {
			const stmt = d.engine.db.prepare(INSERT_SQL);
			try {
				for (let n = from; n < from + count; n++) stmt.run(rowParams(n));
			} finally {
				stmt.free();
			}
		});
		return null;
	},
	async memory() {
		// Between saves: nothing queued, no snapshot being written.
		await db().persister.whenIdle();
		const med = (i: 0 | 1) =>
			timings.map((t) => t[i]).sort((a, b) => a - b)[timings.length >> 1] ?? 0;
		const sum = (i: 0 | 1) => timings.reduce((a, t) => a + t[i], 0);
		const detail = {
			bodyP50: med(0),
			persistP50: med(1),
			bodySum: sum(0),
			n: timings.length,
			// The first saves as "start+duration ms/chunks", to see how a burst is grouped.
			saves: saveLog
				.slice(0, 6)
				.map(([at, ms, chunks]) => `${(at - saveLog[0]![0]).toFixed(0)}+${ms.toFixed(1)}/${chunks}`)
				.join(' '),
			snapshots: snapshotLog.splice(0).join(' '),
		};
		saveLog.length = 0;
		timings.length = 0;
		return { wasmBytes: wasmBytes(), fileBytes: fileBytes(db().engine), saves, saveMs, detail };
	},
	async clear() {
		await clear();
		return null;
	},
});
