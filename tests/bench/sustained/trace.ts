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
	tid: number;
	pid: number;
	ts: number;
	args?: { data?: { frame?: string }; name?: string };
}

export async function startTrace(session: CDPSession): Promise<void> {
	await session.send('Tracing.start', {
		categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute',
		transferMode: 'ReportEvents',
	});
}

/** Stops the trace and returns the main thread's time by event name (complete events, self time). */
export async function stopTrace(session: CDPSession): Promise<string> {
	const events: TraceEvent[] = [];
	const collected = (e: { value: object[] }) => events.push(...(e.value as TraceEvent[]));
	session.on('Tracing.dataCollected', collected);
	const done = new Promise<void>((resolve) =>
		session.once('Tracing.tracingComplete', () => resolve()),
	);
	await session.send('Tracing.end');
	await done;
	session.off('Tracing.dataCollected', collected);
	const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
	if (!main) return 'no main thread in the trace';
	const mine = events
		.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
		.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
	// Self time: an event's duration minus its direct children's.
	const self = new Map<string, number>();
	const stack: TraceEvent[] = [];
	const childTime = new Map<TraceEvent, number>();
	for (const e of mine) {
		while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= e.ts)
			stack.pop();
		const parent = stack[stack.length - 1];
		if (parent) childTime.set(parent, (childTime.get(parent) ?? 0) + e.dur!);
		stack.push(e);
	}
	for (const e of mine)
		self.set(e.name, (self.get(e.name) ?? 0) + e.dur! - (childTime.get(e) ?? 0));
	const top = [...mine.filter((e) => e.name === 'RunTask')]
		.sort((a, b) => b.dur! - a.dur!)
		.slice(0, 5);
	return [
		...[...self.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 14)
			.map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms  ${name}`),
		`  longest tasks: ${top.map((t) => `${(t.dur! / 1000).toFixed(0)} ms`).join(', ')}`,
	].join('\n');
}
