/**
 * The database worker's CPU profile from its very first line (BENCH_COLD_PROFILE): workers are attached
 * paused (`waitForDebuggerOnStart`), the profiler is started in the one named `name`, and every worker is
 * then let run. The summary gives inclusive time for the functions that take most of it, which is what
 * says "the list's query took 120 ms" where self time only names SQLite's wasm functions.
 */
import type { CDPSession } from '@playwright/test';
import type { CpuProfile } from '../probes';

export class WorkerStartProfile {
	readonly #session: CDPSession;
	readonly #pending = new Map<number, (result: unknown) => void>();
	#next = 1;
	#profiled: string | null = null;

	private constructor(session: CDPSession, name: string) {
		this.#session = session;
		session.on('Target.attachedToTarget', (event) => {
			const { sessionId, targetInfo } = event;
			void (async () => {
				if (
					this.#profiled === null &&
					(targetInfo.title === name || targetInfo.url.includes(name))
				) {
					this.#profiled = sessionId;
					await this.#send(sessionId, 'Profiler.enable');
					await this.#send(sessionId, 'Profiler.setSamplingInterval', { interval: 200 });
					await this.#send(sessionId, 'Profiler.start');
				}
				await this.#send(sessionId, 'Runtime.runIfWaitingForDebugger');
			})();
		});
		session.on('Target.receivedMessageFromTarget', (event) => {
			const message = JSON.parse(event.message) as { id?: number; result?: unknown };
			if (message.id !== undefined) this.#pending.get(message.id)?.(message.result);
		});
	}

	static async start(session: CDPSession, name: string): Promise<WorkerStartProfile> {
		const probe = new WorkerStartProfile(session, name);
		await session.send('Target.setAutoAttach', {
			autoAttach: true,
			waitForDebuggerOnStart: true,
			flatten: false,
		});
		return probe;
	}

	async #send(sessionId: string, method: string, params: object = {}): Promise<unknown> {
		const id = this.#next++;
		const result = new Promise<unknown>((resolve) => this.#pending.set(id, resolve));
		await this.#session.send('Target.sendMessageToTarget', {
			sessionId,
			message: JSON.stringify({ id, method, params }),
		});
		return result;
	}

	async stop(): Promise<CpuProfile | null> {
		if (this.#profiled === null) return null;
		const result = (await this.#send(this.#profiled, 'Profiler.stop')) as { profile: CpuProfile };
		return result.profile;
	}
}

/** Inclusive time of each function (each counted once per sample however deep it recurses). */
export function inclusiveTime(profile: CpuProfile, count = 40): string[] {
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const total = new Map<string, number>();
	profile.samples.forEach((id, i) => {
		const ms = (profile.timeDeltas[i] ?? 0) / 1000;
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const frame = byId.get(at)!.callFrame;
			const file = frame.url.split('/').pop() ?? '';
			const key = `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})`;
			if (seen.has(key)) continue;
			seen.add(key);
			total.set(key, (total.get(key) ?? 0) + ms);
		}
	});
	return [...total.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([key, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${key}`);
}
