/**
 * Is compressing backups worth it? Builds a realistic database (monitors plus a few MB of check rows
 * with jittered times, latencies and occasional errors), then measures gzip through CompressionStream:
 * ratio, and encode/decode time, in Node and in Chromium (both use zlib).
 *
 *   npx tsx tests/bench/backup-compression.ts [--checks 60000] [--no-browser]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import initSqlJs from 'sql.js';
import { configure } from '../../src/worker/core/connection';
import { decode, encode, sha256Bytes, split } from '../../src/worker/core/backups/codec';
import { migrate } from '../../src/worker/core/migrations/runner';
import { parseMigrations } from '../../src/worker/core/migrations/files';
import { browserExecutable } from '../support/browser';

const args = process.argv.slice(2);
const CHECKS = Number(args[args.indexOf('--checks') + 1] || 60_000);
const MONITORS = 50;
const RUNS = 7;

/** A small seeded PRNG (mulberry32), so every run builds the same file. */
function rng(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function buildImage(): Promise<Uint8Array> {
	const SQL = await initSqlJs();
	const engine = configure(new SQL.Database());
	const dir = join(import.meta.dirname, '../../migrations');
	const sources = Object.fromEntries(
		readdirSync(dir).map((n) => [`/migrations/${n}`, readFileSync(join(dir, n), 'utf8')]),
	);
	migrate(engine, await parseMigrations(sources));
	const random = rng(42);
	const errors = [
		'Unreachable: no answer from the server (Failed to fetch)',
		'No answer within 10 s',
		'HTTP 503, expected 200-299',
	];
	engine.transaction(() => {
		for (let m = 1; m <= MONITORS; m++) {
			engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at) VALUES (?, ?, 60, 10000, ?, ?)`,
				[
					`Service ${m}`,
					`http://127.0.0.2:9/service-${m}/health`,
					1_760_000_000_000,
					1_760_000_000_000,
				],
			);
		}
		for (let i = 0; i < CHECKS; i++) {
			const monitor = (i % MONITORS) + 1;
			const due = 1_760_000_000_000 + Math.floor(i / MONITORS) * 60_000;
			const failed = random() < 0.02;
			const ms = Math.round((30 + -Math.log(1 - random()) * 120) * 100) / 100;
			engine.run(
				`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
				 VALUES (?, ?, ?, ?, ?, ?, ?, 'full')`,
				[
					monitor,
					due,
					due + Math.floor(random() * 400),
					ms,
					failed ? 'down' : 'up',
					failed ? (random() < 0.5 ? null : 503) : 200,
					failed
						? errors[Math.floor(random() * errors.length)]!
						: `HTTP 200 in ${Math.round(ms)} ms`,
				],
			);
		}
	});
	const image = engine.db.export();
	engine.db.close();
	return image;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const start = performance.now();
		await fn();
		samples.push(performance.now() - start);
	}
	return median(samples);
}

const image = await buildImage();
const encoded = await encode(image);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
console.log(
	`database: ${mib(image.length)} (${MONITORS} monitors, ${CHECKS.toLocaleString('en')} check rows)`,
);
console.log(
	`gzip:     ${mib(encoded.bytes.length)}, ratio ${(image.length / encoded.bytes.length).toFixed(2)}:1, ${split(encoded.bytes).length} chunks of <= 63 KiB (raw: ${split(image).length})`,
);
console.log(
	`node ${process.version}: encode ${(await time(() => encode(image))).toFixed(1)} ms, decode ${(await time(() => decode(encoded.bytes, 'gzip'))).toFixed(1)} ms, sha256 ${(await time(() => sha256Bytes(image))).toFixed(1)} ms (median of ${RUNS})`,
);

const executablePath = browserExecutable(chromium);
if (!args.includes('--no-browser')) {
	const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
	const page = await browser.newPage();
	// A string, not a function: tsx's esbuild adds helpers (__name) that do not exist in the page.
	await page.evaluate(
		`globalThis.bytes = Uint8Array.from(atob(${JSON.stringify(Buffer.from(image).toString('base64'))}), (c) => c.charCodeAt(0))`,
	);
	const result = await page.evaluate<{
		size: number;
		encode: number;
		decode: number;
		ua: string;
	}>(`(async () => {
		const pipe = async (input, stream) => {
			const out = new Response(stream.readable).arrayBuffer();
			const writer = stream.writable.getWriter();
			for (let o = 0; o < input.length; o += 256 * 1024) await writer.write(input.slice(o, o + 256 * 1024));
			await writer.close();
			return new Uint8Array(await out);
		};
		const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
		const enc = [], dec = [];
		let gz;
		for (let i = 0; i < ${RUNS}; i++) {
			let t = performance.now();
			gz = await pipe(globalThis.bytes, new CompressionStream('gzip'));
			enc.push(performance.now() - t);
			t = performance.now();
			await pipe(gz, new DecompressionStream('gzip'));
			dec.push(performance.now() - t);
		}
		return { size: gz.length, encode: med(enc), decode: med(dec), ua: navigator.userAgent };
	})()`);
	const version = /Chrome\/([\d.]+)/.exec(result.ua)?.[1] ?? 'unknown';
	console.log(
		`chromium ${version}: encode ${result.encode.toFixed(1)} ms, decode ${result.decode.toFixed(1)} ms, gzip ${mib(result.size)}`,
	);
	await browser.close();
}
