/** Small, pure formatters shared by the UI and the command line. */

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KiB', 'MiB', 'GiB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
	if (ms < 1) return `${ms.toFixed(2)}ms`;
	if (ms < 1000) return `${Math.round(ms)}ms`;
	return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

/** The seed document's timestamp style: `2025-10-20 18:00:00`, in local time. */
export function formatTimestamp(epochMs: number): string {
	const d = new Date(epochMs);
	const pad = (n: number) => String(n).padStart(2, '0');
	return (
		`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
		`${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
	);
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(at: number, now: number): string {
	const s = Math.max(0, Math.round((now - at) / 1000));
	if (s < 5) return 'just now';
	if (s < 60) return `${s} s ago`;
	if (s < 3600) return `${Math.floor(s / 60)} min ago`;
	if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
	return `${Math.floor(s / 86_400)} d ago`;
}

/** A share 0..1 as a percentage that never rounds a failure away: 0.99996 is "99.99%", not "100%". */
export function formatPercent(share: number | null): string {
	if (share === null) return '–';
	if (share >= 1) return '100%';
	return `${(Math.floor(share * 10_000) / 100).toFixed(2)}%`;
}

/** A span of time between two instants, coarse: "3 min", "2 h 5 min", "4 d". */
export function formatSpan(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
	return `${Math.round(hours / 24)} d`;
}

/** "19:09:23" today, "Nov 26, 19:09" on other days: short enough for a table column. */
export function formatClock(at: number, now: number): string {
	const d = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	if (new Date(now).toDateString() === d.toDateString()) return `${time}:${pad(d.getSeconds())}`;
	return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}

/**
 * `text` cut to at most `max` characters (code points, so no emoji is split), ending in "…" when cut.
 * A check's stored message is short: it is kept with every check, and a body never belongs in it.
 */
export function clip(text: string, max: number): string {
	const chars = Array.from(text);
	return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The longest message a check stores. */
export const CHECK_MESSAGE_MAX = 200;
