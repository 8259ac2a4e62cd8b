import { describe, expect, it } from 'vitest';
import type { FromWorker, Method, ArgsOf, ResultOf, DbEvents } from '../../src/shared/api';
import type { BuildInfo } from '../../src/shared/build';
import { AppError } from '../../src/shared/errors';
import { LiveDatabase } from '../../src/worker/core/database/live-database';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { OwnerRuntime } from '../../src/worker/runtime/tabs/owner';
import { pairChannelName } from '../../src/worker/runtime/tabs/protocol';
import { Tab } from '../../src/worker/runtime/tabs/tab';
import { Bus, FakeLocks, type BusChannel } from './fake-tabs';
import { loadSql, newEngine, realMigrations } from './helpers';

interface Window {
	tab: Tab;
	channel: BusChannel;
	crash(): void;
	call<M extends Method>(method: M, args?: ArgsOf<M>): Promise<ResultOf<M>>;
	events: { [E in keyof DbEvents]?: DbEvents[E][] };
	served: number;
	runtime: OwnerRuntime | null;
	db: LiveDatabase | null;
	/** The window's page froze: its worker neither sends nor receives, and keeps the lock. */
	freeze(): void;
	thaw(): void;
}

async function world() {
	const SQL = await loadSql();
	const files = await realMigrations();
	const store = new MemoryImageStore();
	const bus = new Bus();
	const locks = new FakeLocks();
	const buildOf = (id: string, time = 1): BuildInfo => ({ id, time, schema: files.length });

	/**
	 * `crashAfter`: the window crashes right after its Nth served call is durable, before it can reply.
	 * `stealGate`, `openGate`: a steal of the lock, and opening the database, wait for these.
	 */
	function open(
		name: string,
		build = buildOf('b1'),
		{
			crashAfter = Infinity,
			stealGate,
			openGate,
			heartbeat,
		}: {
			crashAfter?: number;
			stealGate?: Promise<void>;
			openGate?: Promise<void>;
			heartbeat?: { everyMs: number; staleAfterMs: number };
		} = {},
	): Window {
		const channel = bus.join(name);
		const lock = locks.lock(stealGate);
		const replies = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
		let nextId = 1;
		const window: Window = {
			tab: undefined as unknown as Tab,
			channel,
			events: {},
			served: 0,
			runtime: null,
			db: null,
			freeze: () => bus.dead.add(name),
			thaw: () => bus.dead.delete(name),
			crash() {
				bus.dead.add(name);
				window.runtime?.stop();
				lock.crash();
			},
			call(method, args) {
				const id = nextId++;
				return new Promise((resolve, reject) => {
					replies.set(id, { resolve: resolve, reject });
					window.tab.fromPage({ kind: 'call', id, method, args: args });
				});
			},
		};
		const toPage = (message: FromWorker) => {
			if (message.kind === 'reply') {
				const reply = replies.get(message.id);
				replies.delete(message.id);
				if (message.ok) reply?.resolve(message.value);
				else reply?.reject(AppError.fromWire(message.error));
			} else {
				((window.events[message.event] ??= []) as unknown[]).push(message.payload);
			}
		};
		window.tab = new Tab({
			id: name,
			build,
			channel,
			pair: (owner, follower) => bus.join(name, pairChannelName(owner, follower)),
			lock,
			toPage,
			saveEveryMs: 0,
			heartbeat,
			async openOwner(hooks) {
				await openGate;
				const db = await LiveDatabase.open({ SQL, files, store, writerId: name, ...hooks });
				window.db = db;
				const runtime = new OwnerRuntime(db, build, { jobs: [], handover: hooks.handover });
				const serve = runtime.serve.bind(runtime);
				const times = new Map<string, number>();
				runtime.serve = async (...args) => {
					window.served++;
					// A call served again and again by the same window would never end: stop it here.
					const [rid] = args;
					times.set(rid, (times.get(rid) ?? 0) + 1);
					if (times.get(rid)! > 10) {
						return { ok: false, error: new AppError('internal', 'served in a loop').toWire() };
					}
					const result = await serve(...args);
					if (window.served >= crashAfter) window.crash();
					return result;
				};
				window.runtime = runtime;
				return runtime;
			},
		});
		window.tab.start();
		return window;
	}

	async function storedNames(): Promise<string[]> {
		const stored = await store.load();
		const engine = await newEngine(stored!.image);
		return engine
			.all<{ name: string }>('SELECT name FROM monitors ORDER BY name')
			.map((r) => r.name);
	}

	return { open, storedNames, buildOf, store, bus };
}

const input = (name: string) => ({ name, url: 'http://127.0.0.2:9/', intervalS: 60 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('tabs', () => {
	it('elects one owner and forwards the other windows’ calls to it', async () => {
		const w = await world();
		const a = w.open('a');
		const b = w.open('b');
		const c = w.open('c');
		await Promise.all([
			a.call('monitors.create', input('from a')),
			b.call('monitors.create', input('from b')),
			c.call('monitors.create', input('from c')),
		]);
		expect([a, b, c].map((x) => x.tab.role)).toEqual(['owner', 'follower', 'follower']);
		expect((await b.call('monitors.list')).map((m) => m.name)).toEqual([
			'from a',
			'from b',
			'from c',
		]);
		expect(a.served).toBeGreaterThanOrEqual(4);
		expect(b.served + c.served).toBe(0);
		expect(await w.storedNames()).toEqual(['from a', 'from b', 'from c']);
	});

	it('a file imported in a follower window reaches the owner alone, before and after a hand-over', async () => {
		const w = await world();
		const a = w.open('a');
		await a.call('monitors.list');
		const b = w.open('b');
		const c = w.open('c');
		const d = w.open('d');
		await Promise.all([b.call('monitors.list'), c.call('monitors.list'), d.call('monitors.list')]);
		// A megabyte of zeros: refused (not SQLite) as soon as the owner reads it, which is all this needs.
		const zeros = () => ({ bytes: new Uint8Array(1024 * 1024), name: 'zeros.db' });
		w.bus.calls.clear();
		await expect(b.call('import.inspect', zeros())).rejects.toMatchObject({ code: 'not-sqlite' });
		const carried = (window: string) =>
			(w.bus.calls.get(window) ?? []).filter(
				(m) => m.type === 'call' && m.method === 'import.inspect',
			);
		expect(carried('a')).toHaveLength(1);
		expect([b, c, d].map((x) => x.tab.traffic.callBytes)).toEqual([0, 0, 0]);
		expect(a.tab.traffic.callBytes).toBe(1024 * 1024);
		expect(carried('c')).toEqual([]);
		expect(carried('d')).toEqual([]);

		// The owner goes; the next one is linked to afresh, and the file again reaches it alone.
		a.crash();
		await b.call('monitors.list');
		const named = { b, c, d };
		const owner = Object.values(named).find((x) => x.tab.role === 'owner')!;
		const others = Object.entries(named).filter(([, x]) => x !== owner);
		w.bus.calls.clear();
		const before = owner.tab.traffic.callBytes;
		const [caller, bystander] = others;
		await expect(caller![1].call('import.inspect', zeros())).rejects.toMatchObject({
			code: 'not-sqlite',
		});
		expect(owner.tab.traffic.callBytes - before).toBe(1024 * 1024);
		expect(carried(bystander![0])).toEqual([]);
		expect(others.map(([, x]) => x.tab.traffic.callBytes)).toEqual([0, 0]);
	});

	it('tells every window about a durable change, and followers learn who saves', async () => {
		const w = await world();
		const a = w.open('a');
		const b = w.open('b');
		await a.call('monitors.create', input('x'));
		// Events reach other windows a moment after the reply; wait for them rather than a fixed time.
		await expect
			.poll(() => b.events.changed?.at(-1))
			.toMatchObject({ tables: expect.arrayContaining(['monitors']) });
		await expect
			.poll(() => b.events.save?.at(-1))
			.toMatchObject({ state: 'saved', savedBy: 'another-window' });
		expect(a.events.changed?.at(-1)?.tables).toContain('monitors');
		expect(b.events.save?.at(-1)).toMatchObject({ state: 'saved', savedBy: 'another-window' });
		expect(a.events.save?.at(-1)).toMatchObject({ state: 'saved', savedBy: 'this-window' });
		expect(b.events.phase?.at(-1)).toEqual({ phase: 'ready', role: 'follower', readOnly: false });
	});

	it('hands over when the owner crashes: every pending call completes exactly once', async () => {
		const w = await world();
		// The owner dies right after its 31st call is durable, before the reply leaves.
		const owner = w.open('owner', w.buildOf('b1'), { crashAfter: 31 });
		await owner.call('monitors.list');
		const b = w.open('b');
		const c = w.open('c');
		// Each window runs four streams of sequential writes, so the stream spans the crash.
		const stream = async (win: Window, prefix: string) => {
			const made = [];
			for (let i = 0; i < 15; i++)
				made.push(
					await win.call('monitors.create', input(`${prefix}-${String(i).padStart(2, '0')}`)),
				);
			return made;
		};
		const writes = [b, c].flatMap((win, n) => [0, 1, 2, 3].map((s) => stream(win, `${n}.${s}`)));
		const results = (await Promise.all(writes)).flat();

		expect(new Set(results.map((m) => m.id)).size).toBe(120);
		const names = await w.storedNames();
		expect(names).toHaveLength(120);
		expect(new Set(names).size).toBe(120);
		expect(b.tab.role === 'owner' || c.tab.role === 'owner').toBe(true);
		// The call whose reply was lost was sent again to the new owner and answered from the ledger.
		const newOwner = b.tab.role === 'owner' ? b : c;
		expect(owner.served - 1 + newOwner.served).toBeGreaterThan(120);
		expect(owner.served).toBe(31);
		// The new owner says so in the activity log; the first owner, which took it from nobody, did not.
		const lines = await newOwner.call('activity.list', { kind: 'owner' });
		expect(lines.entries.map((e) => e.message)).toEqual([
			'This window took the database over from a window that closed.',
		]);
	});

	it('answers a call retried after a hand-over from the ledger instead of applying it twice', async () => {
		const SQL = await loadSql();
		const files = await realMigrations();
		const store = new MemoryImageStore();
		const first = await LiveDatabase.open({ SQL, files, store, writerId: 'first' });
		const insert = (db: LiveDatabase) => () =>
			db.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES ('once', 'http://127.0.0.2:9/x', 60, 1000, 1, 1)`,
			).lastInsertRowid;
		const id = await first.write(insert(first), 'page-1:7');

		const second = await LiveDatabase.open({ SQL, files, store, writerId: 'second' });
		expect(await second.write(insert(second), 'page-1:7')).toBe(id);
		expect(await second.write(insert(second), 'page-1:7')).toBe(id);
		expect(second.engine.value('SELECT count(*) FROM monitors')).toBe(1);
		await expect(first.write(insert(first), 'page-1:8')).rejects.toMatchObject({
			code: 'stale-writer',
		});
	});

	it('lets a newer build take over; the older window stops and says reload', async () => {
		const w = await world();
		const old = w.open('old', w.buildOf('old', 1));
		await old.call('monitors.create', input('before the update'));
		const fresh = w.open('new', w.buildOf('new', 2));
		await expect.poll(() => fresh.tab.role).toBe('owner');
		expect(old.tab.role).toBe('outdated');
		expect(old.events.phase?.at(-1)).toEqual({ phase: 'outdated' });
		await expect(old.call('monitors.create', input('from old code'))).rejects.toMatchObject({
			code: 'app-outdated',
		});
		await fresh.call('monitors.create', input('after the update'));
		expect(await w.storedNames()).toEqual(['after the update', 'before the update']);
	});

	it('a newer window is not told it is outdated by the old owner it is taking over from', async () => {
		const w = await world();
		const old = w.open('old', w.buildOf('old', 1));
		await old.call('monitors.create', input('before the update'));
		let stealNow!: () => void;
		let openNow!: () => void;
		const fresh = w.open('new', w.buildOf('new', 2), {
			stealGate: new Promise<void>((resolve) => (stealNow = resolve)),
			openGate: new Promise<void>((resolve) => (openNow = resolve)),
		});
		await settle();
		// The page's first call leaves while the steal is under way and reaches the old owner after it
		// lost the lock: the answer must be "not the owner" (sent again), not "you are outdated".
		const listed = fresh.call('monitors.list');
		stealNow();
		await settle();
		expect(old.tab.role).toBe('outdated');
		openNow();
		expect((await listed).map((m) => m.name)).toEqual(['before the update']);
		expect(fresh.tab.role).toBe('owner');
	});

	it('refuses an older build that joins later', async () => {
		const w = await world();
		const fresh = w.open('new', w.buildOf('new', 2));
		await fresh.call('monitors.list');
		const old = w.open('old', w.buildOf('old', 1));
		await expect.poll(() => old.tab.role).toBe('outdated');
		await expect(old.call('monitors.list')).rejects.toMatchObject({ code: 'app-outdated' });
		expect(fresh.tab.role).toBe('owner');
	});

	it('a window whose saves are fenced answers stale-writer at once, and never serves the call again itself', async () => {
		const { open, store } = await world();
		const a = open('a');
		await a.call('monitors.create', input('saved'));
		await store.claim('another writer');
		await expect(a.call('monitors.create', input('refused'))).rejects.toMatchObject({
			code: 'stale-writer',
		});
		expect(a.served).toBe(2);
	});

	it('fences a stale owner: once another writer claimed storage, its saves are refused', async () => {
		const SQL = await loadSql();
		const files = await realMigrations();
		const store = new MemoryImageStore();
		const stale = await LiveDatabase.open({ SQL, files, store, writerId: 'stale' });
		await store.claim('new-owner');
		const write = stale.write(() =>
			stale.engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES ('lost', 'http://127.0.0.2:9/x', 60, 1000, 1, 1)`,
			),
		);
		await expect(write).rejects.toMatchObject({
			code: 'stale-writer',
			detail: { leaseHolder: 'new-owner' },
		});
		const stored = await store.load();
		const engine = await newEngine(stored!.image);
		expect(engine.value('SELECT count(*) FROM monitors')).toBe(0);
	});
});

describe('a frozen owner (heartbeat)', () => {
	const heartbeat = { everyMs: 10, staleAfterMs: 100 };

	it('a follower that stops hearing the owner takes over; the frozen owner is fenced and steps down', async () => {
		const w = await world();
		const owner = w.open('owner', w.buildOf('b1'), { heartbeat });
		await owner.call('monitors.create', input('before the freeze'));
		const b = w.open('b', w.buildOf('b1'), { heartbeat });
		await b.call('monitors.list');
		// Beats keep a live owner in place: several stale periods pass without a take-over.
		await new Promise((resolve) => setTimeout(resolve, 3 * heartbeat.staleAfterMs));
		expect([owner.tab.role, b.tab.role]).toEqual(['owner', 'follower']);

		owner.freeze();
		const created = await b.call('monitors.create', input('after the freeze'));
		expect(b.tab.role).toBe('owner');
		expect(created.name).toBe('after the freeze');
		expect(await w.storedNames()).toEqual(['after the freeze', 'before the freeze']);

		// The frozen owner wakes up: its writes are refused, so it can never overwrite the new owner's.
		await expect(
			owner.db!.write(() => owner.db!.engine.run("UPDATE monitors SET name = 'lost'")),
		).rejects.toMatchObject({ code: 'stale-writer' });
		const lines = await b.call('activity.list', { kind: 'owner' });
		expect(lines.entries).toHaveLength(1);
		expect(lines.entries[0]).toMatchObject({ level: 'warn', details: { handover: 'frozen' } });
		owner.thaw();
		expect(owner.tab.role).toBe('outdated');
		await expect(owner.call('monitors.list')).rejects.toMatchObject({ code: 'app-outdated' });
		expect(await w.storedNames()).toEqual(['after the freeze', 'before the freeze']);
	});
});
