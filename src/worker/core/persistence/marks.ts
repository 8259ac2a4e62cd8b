/** User Timing marks of a cold open's steps: DevTools shows them, and the benchmark reads them. */
export function markOpen(step: string): void {
	performance.mark(`monitor:open:${step}`);
}
