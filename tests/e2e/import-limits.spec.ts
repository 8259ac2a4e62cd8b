/**
 * The size limit in real Chromium: the largest file an import accepts (MAX_IMPORT_BYTES, a healthy
 * Monitor database of exactly that size) goes through read, check, confirm and save and survives a
 * reload; one byte more is refused before it is read, with nothing changed. Both files are built here
 * (too big to commit) in a private temporary directory and removed afterwards.
 *
 * The time each stage took and the browser's peak memory are reported as annotations (not asserted:
 * speed belongs to the benchmark); the numbers in src/shared/transfer.ts come from these runs.
 */
import {
	appendFileSync,
	copyFileSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../../src/shared/format';
import { MAX_IMPORT_BYTES } from '../../src/shared/transfer';
import { imageOfSize } from '../fixtures/import/build';
import { call, monitorInput, openApp } from './helpers';
import { expectRefusal, importDialog, pickFile, storedHash } from './support/files';

test.describe.configure({ mode: 'serial' });

let dir: string;
let largest: string;
let over: string;

test.beforeAll(async () => {
	test.setTimeout(180_000);
	dir = mkdtempSync(join(tmpdir(), 'monitor-limits-'));
	largest = join(dir, 'largest.db');
	over = join(dir, 'one-byte-over.db');
	writeFileSync(largest, await imageOfSize(MAX_IMPORT_BYTES));
	copyFileSync(largest, over);
	appendFileSync(over, new Uint8Array(1));
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Memory of the browser (every process: browser, renderers with the page and its worker,
 * GPU, network), in bytes. Playwright launches Chromium from this test worker, so the browser's
 * processes are this process's descendants; this process itself (holding the test's files) is left out.
 */
function browserMemory(): number {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// The process ended meanwhile.
		}
	}
	let total = 0;
	const queue = [...(children.get(process.pid) ?? [])];
	while (queue.length > 0) {
		const pid = queue.pop()!;
		try {
			// Proportional set size: pages shared between Chromium's processes are counted once.
			const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
			total += Number(pss?.[1] ?? 0) * 1024;
		} catch {
			// Gone.
		}
		queue.push(...(children.get(pid) ?? []));
	}
	return total;
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(0);

test('one byte over the limit is refused before it is read; nothing changes', async ({ page }) => {
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', { ...monitorInput('Kept'), enabled: false });
	await call(page, 'database.flush');
	const before = await storedHash(page);
	await pickFile(page, over);
	await expectRefusal(page, 'larger than the 200 MiB Monitor can import');
	expect(await storedHash(page)).toBe(before);
});

test('the largest file accepted is imported, whole, and survives a reload', async ({ page }) => {
	test.setTimeout(300_000);
	await openApp(page, '/#/database');
	await call(page, 'monitors.create', { ...monitorInput('Replaced'), enabled: false });

	let peak = browserMemory();
	const idle = peak;
	const sampler = setInterval(() => (peak = Math.max(peak, browserMemory())), 100);
	try {
		const started = Date.now();
		await pickFile(page, largest);
		const dialog = page.getByRole('dialog', { name: 'Replace your database with this file?' });
		await expect(dialog).toBeVisible({ timeout: 120_000 });
		const checked = Date.now();
		const peakChecked = peak;
		await expect(dialog.getByRole('row', { name: /^Size/ }).getByRole('cell').nth(1)).toHaveText(
			formatBytes(MAX_IMPORT_BYTES),
		);
		await expect(dialog).toContainText('quick_check');
		await dialog.getByRole('button', { name: 'Replace database' }).click();
		await expect(page.getByText(/Imported “largest\.db” \(3 monitors\)/)).toBeVisible({
			timeout: 180_000,
		});
		const saved = Date.now();
		await expect(importDialog(page)).toHaveCount(0);
		test
			.info()
			.annotations.push(
				{ type: 'read+check (ms)', description: String(checked - started) },
				{ type: 'backup+save (ms)', description: String(saved - checked) },
				{ type: 'browser memory idle (MiB)', description: mib(idle) },
				{ type: 'browser memory peak until confirmed (MiB)', description: mib(peakChecked) },
				{ type: 'browser memory peak (MiB)', description: mib(peak) },
			);
		console.log(
			`largest import: read+check ${checked - started} ms, backup+save ${saved - checked} ms, ` +
				`browser memory (PSS) ${mib(idle)} MiB idle, ${mib(peakChecked)} MiB peak until confirmed, ${mib(peak)} MiB peak`,
		);
	} finally {
		clearInterval(sampler);
	}

	const status = await call(page, 'database.status');
	expect(status.sizeBytes).toBe(MAX_IMPORT_BYTES);
	await page.reload();
	await expect(page.getByTestId('db-size')).toHaveText(formatBytes(MAX_IMPORT_BYTES), {
		timeout: 120_000,
	});
	expect((await call(page, 'monitors.list')).map((m) => m.name).sort()).toEqual([
		'API health',
		'Homepage',
		'Webhook',
	]);
});
