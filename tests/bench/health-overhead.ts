/**
 * What timing every statement costs: the same engine calls with and without the health timer.
 * Interleaved rounds, medians; nothing is asserted (speed is not a test).
 *
 *   npx tsx tests/bench/health-overhead.ts [--calls 50000]
 */
import { DatabaseHealth } from '../../src/worker/core/metrics/recorder';
import { newEngine } from '../unit/helpers';

const args = process.argv.slice(2);
const CALLS = Number(args[args.indexOf('--calls') + 1] || 50_000);
const ROUNDS = 9;

const engine = await newEngine();
engine.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n REAL)');
engine.transaction(() => {
	for (let i = 0; i < 1000; i++)
		engine.run('INSERT INTO t (name, n) VALUES (?, ?)', [`row ${i}`, i]);
});
const health = new DatabaseHealth();

const workloads = {
	'get by primary key': (i: number) =>
		engine.get('SELECT name, n FROM t WHERE id = ?', [1 + (i % 1000)]),
	'value (count)': () => engine.value('SELECT count(*) FROM t WHERE n < 10'),
	'run (update one row)': (i: number) =>
		engine.run('UPDATE t SET n = ? WHERE id = ?', [i, 1 + (i % 1000)]),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [name, call] of Object.entries(workloads)) {
	const off: number[] = [];
	const on: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		// Alternate which goes first, so warm-up and neighbours' load fall on both alike.
		for (const timed of round % 2 ? [true, false] : [false, true]) {
			engine.setTimer(timed ? health.statement : null);
			const start = performance.now();
			for (let i = 0; i < CALLS; i++) call(i);
			(timed ? on : off).push(((performance.now() - start) / CALLS) * 1000);
		}
	}
	engine.setTimer(null);
	const a = median(off);
	const b = median(on);
	console.log(
		`${name.padEnd(22)} untimed ${a.toFixed(2)} µs/call, timed ${b.toFixed(2)} µs/call: +${(b - a).toFixed(2)} µs (${(((b - a) / a) * 100).toFixed(1)}%)`,
	);
}

// The timing path alone, as the engine adds it to a statement: two clock reads, the normalised-SQL
// lookup and the recorder (window, groups, counters).
const keys = new Map([['SELECT name, n FROM t WHERE id = ?', 'SELECT name,n FROM t WHERE id=?;']]);
const PATH_CALLS = 1_000_000;
const path: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
	const start = performance.now();
	for (let i = 0; i < PATH_CALLS; i++) {
		const t0 = performance.now();
		const key = keys.get('SELECT name, n FROM t WHERE id = ?')!;
		health.statement(key, performance.now() - t0);
	}
	path.push(((performance.now() - start) / PATH_CALLS) * 1000);
}
console.log(`timing path alone      ${median(path).toFixed(3)} µs/statement`);
