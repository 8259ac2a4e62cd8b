/**
 * A Chromium trace of the page's main thread (DevTools' timeline categories) over a stretch of a
 * benchmark, summed by event: how much went to style (UpdateLayoutTree), layout, paint and script. A CPU
 * profile shows style and layout only as "(program)"; this names them.
 */
import type { CDPSession } from '@playwright/test';

interface TraceEvent {
	name: string;
	ph: string;
	dur?: number;
	/** CPU time of the thread (µs), where the trace has it: unlike `dur`, not stretched by other processes. */
	tdur?: number;
	tid: number;
	pid: number;
	ts: number;
	args?: {
		data?: { frame?: string; functionName?: string; type?: string; elementCount?: number };
		beginData?: { dirtyObjects?: number; totalObjects?: number };
		elementCount?: number;
		name?: string;
	};
}

export async function startTrace(session: CDPSession): Promise<void> {
	// Kept in the browser until the end, then read as one stream: events reported while the page runs
	// slowed the page and, in a run of minutes, never let the benchmark finish.
	// The default buffer filled within seconds of a busy run and kept only its start.
	await session.send('Tracing.start', {
		traceConfig: {
			recordMode: 'recordAsMuchAsPossible',
			traceBufferSizeInKb: 1_000_000,
			includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
		},
		transferMode: 'ReturnAsStream',
	});
}

async function readStream(session: CDPSession, handle: string): Promise<string> {
	const parts: string[] = [];
	for (;;) {
		const { data, eof, base64Encoded } = await session.send('IO.read', { handle, size: 1 << 22 });
		parts.push(base64Encoded ? Buffer.from(data, 'base64').toString('utf8') : data);
		if (eof) break;
	}
	await session.send('IO.close', { handle });
	return parts.join('');
}

/** Stops the trace and returns the main thread's time by event name (complete events, self time). */
export async function stopTrace(session: CDPSession): Promise<string> {
	const done = new Promise<string | undefined>((resolve) =>
		session.once('Tracing.tracingComplete', (e) => resolve(e.stream)),
	);
	await session.send('Tracing.end');
	const stream = await done;
	if (!stream) return 'no trace stream';
	const parsed = JSON.parse(await readStream(session, stream)) as
		TraceEvent[] | { traceEvents: TraceEvent[] };
	const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
	// The page's main thread: of the renderers' main threads (the page, its service worker, a blank
	// tab), the busiest.
	const busy = new Map<string, number>();
	for (const e of events) {
		const key = `${e.pid}:${e.tid}`;
		if (e.ph === 'X' && e.dur) busy.set(key, (busy.get(key) ?? 0) + e.dur);
	}
	const main = events
		.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
		.sort((a, b) => (busy.get(`${b.pid}:${b.tid}`) ?? 0) - (busy.get(`${a.pid}:${a.tid}`) ?? 0))[0];
	if (!main) return 'no main thread in the trace';
	const mine = events
		.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
		.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
	// Self time: an event's duration minus its direct children's.
	const self = new Map<string, number>();
	// The same, only inside tasks of 50 ms or more (the outermost event is the task).
	const selfInLong = new Map<string, number>();
	const stack: TraceEvent[] = [];
	const childTime = new Map<TraceEvent, number>();
	const childCpu = new Map<TraceEvent, number>();
	const taskOf = new Map<TraceEvent, TraceEvent>();
	for (const e of mine) {
		while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= e.ts)
			stack.pop();
		const parent = stack[stack.length - 1];
		if (parent) {
			childTime.set(parent, (childTime.get(parent) ?? 0) + e.dur!);
			childCpu.set(parent, (childCpu.get(parent) ?? 0) + (e.tdur ?? 0));
		}
		taskOf.set(e, stack[0] ?? e);
		stack.push(e);
	}
	// The breakdown (CPU self time) of each task that was long or used much CPU, and what started its
	// parts (timer, frame, event, message).
	const perTask = new Map<TraceEvent, Map<string, number>>();
	for (const e of mine) {
		const own = e.dur! - (childTime.get(e) ?? 0);
		self.set(e.name, (self.get(e.name) ?? 0) + own);
		const task = taskOf.get(e)!;
		if (task.dur! >= 50_000) selfInLong.set(e.name, (selfInLong.get(e.name) ?? 0) + own);
		if (task.dur! < 50_000 && (task.tdur ?? 0) < 20_000) continue;
		const parts = perTask.get(task) ?? new Map<string, number>();
		perTask.set(task, parts);
		const data = e.args?.data;
		const name = data?.type ? `${e.name}(${data.type})` : e.name;
		// How much was laid out or styled: the largest of the task's layouts and style updates.
		const objects = e.args?.beginData?.dirtyObjects ?? e.args?.elementCount ?? data?.elementCount;
		if (objects !== undefined) {
			const key = `  ${e.name === 'Layout' ? 'laid out' : 'styled'} (objects, most)`;
			parts.set(key, Math.max(parts.get(key) ?? 0, objects * 1000));
		}
		const cpu = (e.tdur ?? 0) - (childCpu.get(e) ?? 0);
		parts.set(name, (parts.get(name) ?? 0) + cpu);
		if (data?.functionName && (e.tdur ?? 0) >= 2000) {
			const fn = `  fn ${data.functionName}`;
			parts.set(fn, (parts.get(fn) ?? 0) + e.tdur!);
		}
	}
	const longCount = mine.filter((e) => taskOf.get(e) === e && e.dur! >= 50_000).length;
	const ms = (us: number) => (us / 1000).toFixed(0);
	const eachLong = [...perTask.entries()]
		.sort((a, b) => (b[0].tdur ?? 0) - (a[0].tdur ?? 0))
		.slice(0, 10)
		.map(
			([task, parts]) =>
				`    cpu ${ms(task.tdur ?? 0)} ms (wall ${ms(task.dur!)}): ${[...parts.entries()]
					.filter(([, us]) => us >= 2000)
					.sort((a, b) => b[1] - a[1])
					.map(([name, us]) => `${name} ${ms(us)}`)
					.join(', ')}`,
		);
	const tasks = mine.filter((e) => taskOf.get(e) === e);
	const top = [...tasks].sort((a, b) => b.dur! - a.dur!).slice(0, 5);
	const cpu = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0);
	const cpuTop = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 5);
	return [
		...[...self.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 14)
			.map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms  ${name}`),
		`  longest tasks: ${top.map((t) => `${ms(t.dur!)} ms (cpu ${ms(t.tdur ?? 0)})`).join(', ')}`,
		`  main thread CPU in tasks: ${ms(cpu)} ms; most CPU in one task: ${cpuTop.map((t) => ms(t.tdur ?? 0)).join(', ')} ms`,
		`  inside the ${longCount} tasks of 50 ms or more:`,
		...[...selfInLong.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 14)
			.map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms  ${name}`),
		'  the tasks that used the most CPU (CPU self time ≥ 2 ms by event; fn: a function called, total):',
		...eachLong,
	].join('\n');
}
