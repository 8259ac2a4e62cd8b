/**
 * Memory at the start and end of the sustained window. The renderer's RSS holds both the page and the
 * database worker, so the page's own JS heap, DOM nodes and event listeners (after a GC) are read too:
 * together with the worker's heap they say which side a growth is on.
 */
import type { CDPSession } from '@playwright/test';
import type { WorkerProbe } from '../probes';
import { rss } from './threads';

const MB = 1024 * 1024;

export interface Memory {
	workerJsMB: number | null;
	workerArrayBuffersMB: number | null;
	rendererRssMB: number | null;
	fileMB: number;
	/** SQLite's WebAssembly heap in the worker (it only grows), from the health report. */
	wasmMB: number | null;
	pageJsMB: number | null;
	pageNodes: number | null;
	pageListeners: number | null;
}

async function pageMetrics(page: CDPSession): Promise<Record<string, number>> {
	await page.send('HeapProfiler.collectGarbage');
	await page.send('Performance.enable');
	const { metrics } = await page.send('Performance.getMetrics');
	return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

export async function memory(
	pageSession: CDPSession,
	probe: WorkerProbe,
	worker: string,
	pids: number[],
	fileBytes: () => Promise<number>,
	wasmBytes: () => Promise<number | null> = () => Promise.resolve(null),
): Promise<Memory> {
	const heap = await probe.heap(worker);
	const page: Record<string, number> = await pageMetrics(pageSession).catch(() => ({}));
	const fileMB = (await fileBytes()) / MB;
	const wasm = await wasmBytes();
	const resident = rss(pids);
	return {
		workerJsMB: heap ? heap.usedSize / MB : null,
		workerArrayBuffersMB:
			heap?.backingStorageSize === undefined ? null : heap.backingStorageSize / MB,
		rendererRssMB: resident === null ? null : resident / MB,
		fileMB,
		wasmMB: wasm === null ? null : wasm / MB,
		pageJsMB: page.JSHeapUsedSize === undefined ? null : page.JSHeapUsedSize / MB,
		pageNodes: page.Nodes ?? null,
		pageListeners: page.JSEventListeners ?? null,
	};
}
