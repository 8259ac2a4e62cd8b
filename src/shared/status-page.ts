/**
 * The published status page and badges, rendered from a StatusSummary: pure functions, no DOM. The page
 * is one self-contained HTML file: no script, inline CSS and SVG, and a Content-Security-Policy that
 * forbids every fetch, so it opens from disk offline and on any static host. Every piece of text from
 * the data is escaped.
 */
import type { PublicState, StatusDay, StatusMonitor, StatusSummary } from './status';

const COLOURS = { up: '#16a34a', degraded: '#d97706', down: '#dc2626', none: '#94a3b8' } as const;
const STATE_COLOURS: Record<PublicState, string> = {
	up: COLOURS.up,
	degraded: COLOURS.degraded,
	down: COLOURS.down,
	paused: '#64748b',
	unknown: COLOURS.none,
};
const STATE_LABELS: Record<PublicState, string> = {
	up: 'Up',
	degraded: 'Degraded',
	down: 'Down',
	paused: 'Paused',
	unknown: 'No data yet',
};

/** Characters XML 1.0 forbids even as entities: one in a name would make a badge malformed. */
// eslint-disable-next-line no-control-regex -- matching the characters XML forbids is the point
export const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text and attribute values: & < > " ' all become entities, characters XML forbids become U+FFFD. */
export function escapeMarkup(text: string): string {
	return text
		.replace(NOT_XML, '\uFFFD')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

const esc = escapeMarkup;

/** 0.99984 -> "99.98 %" (rounded down, so only a perfect record reads 100 %); null -> "no data". */
export function formatUptime(ratio: number | null): string {
	if (ratio === null) return 'no data';
	if (ratio >= 1) return '100 %';
	return `${(Math.floor(ratio * 10_000) / 100).toFixed(2)} %`;
}

/** Epoch ms as "2026-12-07 14:03 UTC": the same for every reader, wherever the file is opened. */
export function formatUtc(at: number): string {
	return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function formatDuration(ms: number): string {
	const minutes = Math.max(1, Math.round(ms / 60_000));
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
	return `${Math.round(hours / 24)} days`;
}

function dayColour(day: StatusDay): string {
	if (day.checks === 0) return COLOURS.none;
	if (day.down === 0) return day.degraded === 0 ? COLOURS.up : COLOURS.degraded;
	return (day.up + day.degraded) / day.checks >= 0.95 ? COLOURS.degraded : COLOURS.down;
}

function dayTitle(day: StatusDay): string {
	if (day.checks === 0) return `${day.day}: no checks`;
	const uptime = formatUptime((day.up + day.degraded) / day.checks);
	return `${day.day}: ${uptime} of ${day.checks} checks${day.down ? `, ${day.down} down` : ''}`;
}

function dayBar(monitor: StatusMonitor): string {
	const step = 5;
	const bars = monitor.days
		.map(
			(day, i) =>
				`<rect x="${i * step}" y="0" width="${step - 1}" height="28" rx="1" fill="${dayColour(day)}"><title>${esc(dayTitle(day))}</title></rect>`,
		)
		.join('');
	const width = monitor.days.length * step;
	return `<svg class="days" viewBox="0 0 ${width} 28" preserveAspectRatio="none" role="img" aria-label="Uptime per day over ${monitor.days.length} days: ${esc(formatUptime(monitor.uptime90d))}">${bars}</svg>`;
}

function sparkline(monitor: StatusMonitor): string {
	const values = monitor.responseMs;
	const known = values.filter((v): v is number => v !== null);
	if (known.length === 0) return '<p class="muted small">No response times in the last 7 days.</p>';
	const max = Math.max(...known, 1);
	const width = 300;
	const height = 40;
	const step = values.length > 1 ? width / (values.length - 1) : width;
	const segments: string[] = [];
	let current: string[] = [];
	values.forEach((v, i) => {
		if (v === null) {
			if (current.length) segments.push(current.join(' '));
			current = [];
			return;
		}
		const y = height - 2 - (v / max) * (height - 4);
		current.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
	});
	if (current.length) segments.push(current.join(' '));
	const lines = segments
		.map((points) =>
			points.includes(' ')
				? `<polyline points="${points}" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>`
				: `<circle cx="${points.split(',')[0]}" cy="${points.split(',')[1]}" r="1.5" fill="currentColor"/>`,
		)
		.join('');
	const average = Math.round(known.reduce((a, b) => a + b, 0) / known.length);
	const label = `Response time over the last 7 days: average ${average} ms, highest ${Math.round(max)} ms`;
	return `<div class="spark"><svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${lines}</svg><span class="muted small">${average} ms average · 7 days</span></div>`;
}

function incidentList(monitor: StatusMonitor): string {
	if (monitor.incidents.length === 0)
		return `<p class="muted small">No incidents in the last ${monitor.days.length} days.</p>`;
	const items = monitor.incidents.map((incident) => {
		const span =
			incident.end === null
				? `since ${formatUtc(incident.start)} (ongoing)`
				: `${formatUtc(incident.start)}, ${formatDuration(incident.end - incident.start)}`;
		const message = incident.message ? ` · ${esc(incident.message)}` : '';
		const note = incident.note ? `<p class="note">${esc(incident.note)}</p>` : '';
		return `<li><strong style="color:${STATE_COLOURS[incident.state]}">${STATE_LABELS[incident.state]}</strong> ${esc(span)}${message}${note}</li>`;
	});
	return `<h3>Recent incidents</h3><ul class="incidents">${items.join('')}</ul>`;
}

function monitorSection(monitor: StatusMonitor): string {
	const since = monitor.since === null ? '' : ` since ${formatUtc(monitor.since)}`;
	return `<section class="monitor" id="monitor-${monitor.key}" aria-label="${esc(monitor.name)}">
<div class="head"><h2>${esc(monitor.name)}</h2><span class="state" style="background:${STATE_COLOURS[monitor.state]}">${STATE_LABELS[monitor.state]}</span></div>
${monitor.url === undefined ? '' : `<p class="url">${esc(monitor.url)}</p>`}
<p class="muted small">${esc(STATE_LABELS[monitor.state] + since)} · ${esc(formatUptime(monitor.uptime24h))} in 24 h · ${esc(formatUptime(monitor.uptime90d))} in ${monitor.days.length} days</p>
${dayBar(monitor)}
<div class="legend muted small"><span>${monitor.days.length} days ago</span><span>Today</span></div>
${sparkline(monitor)}
${incidentList(monitor)}
</section>`;
}

function overall(monitors: StatusMonitor[]): { text: string; colour: string } {
	const down = monitors.filter((m) => m.state === 'down').length;
	const degraded = monitors.filter((m) => m.state === 'degraded').length;
	if (down > 0) return { text: `${down} of ${monitors.length} down`, colour: COLOURS.down };
	if (degraded > 0)
		return { text: `${degraded} of ${monitors.length} degraded`, colour: COLOURS.degraded };
	if (monitors.every((m) => m.state === 'up'))
		return { text: 'All systems operational', colour: COLOURS.up };
	return { text: 'No outage known', colour: COLOURS.none };
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f8fafc;--card:#fff;--text:#0f172a;--muted:#64748b;--border:#e2e8f0}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--card:#111827;--text:#e5e7eb;--muted:#94a3b8;--border:#1f2937}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main,footer{max-width:52rem;margin:0 auto;padding:1.25rem}
h1{margin:1rem 0 .5rem;font-size:1.8rem}h2{margin:0;font-size:1.1rem;overflow-wrap:anywhere}h3{font-size:.85rem;margin:1rem 0 .3rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.overall{display:inline-block;color:#fff;padding:.35rem .8rem;border-radius:8px;font-weight:600;margin:0}
.monitor{background:var(--card);border:1px solid var(--border);border-radius:12px;padding:1rem 1.2rem;margin:0 0 1rem}
.head{display:flex;justify-content:space-between;align-items:center;gap:1rem}
.state{color:#fff;border-radius:999px;padding:.1rem .7rem;font-size:.85rem;font-weight:600;white-space:nowrap}
.url{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;color:var(--muted);margin:.2rem 0;overflow-wrap:anywhere}
.muted{color:var(--muted)}.small{font-size:.85rem}
.days{display:block;width:100%;height:28px;margin-top:.5rem}
.legend{display:flex;justify-content:space-between}
.spark{display:flex;align-items:center;gap:.8rem;margin-top:.6rem;color:#2563eb}.spark svg{flex:1;height:40px;min-width:0}
.incidents{margin:0;padding-left:1.1rem}.incidents li{margin:.2rem 0;overflow-wrap:anywhere}.note{margin:.1rem 0 .4rem;color:var(--text);white-space:pre-wrap}
footer{color:var(--muted);font-size:.85rem}`;

/** The whole page. */
export function renderStatusPage(summary: StatusSummary): string {
	const state = overall(summary.monitors);
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${esc(summary.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(summary.title)}</h1>
<p class="overall" style="background:${state.colour}">${esc(state.text)}</p>
<p class="muted small">Updated ${esc(formatUtc(summary.generatedAt))} · ${summary.monitors.length} monitor${summary.monitors.length === 1 ? '' : 's'}</p>
</header>
<main>
${summary.monitors.map(monitorSection).join('\n')}
</main>
<footer>Published with Monitor. This page is a snapshot: it does not update by itself. Uptime leaves out planned maintenance.</footer>
</body>
</html>
`;
}

/** A badge ("up · 99.98 %", the 90-day uptime) as a standalone SVG file. */
export function renderBadge(monitor: StatusMonitor): string {
	const label = monitor.name.length > 40 ? `${monitor.name.slice(0, 39)}…` : monitor.name;
	const value = `${monitor.state === 'unknown' ? 'no data' : monitor.state} · ${formatUptime(monitor.uptime90d)}`;
	const charWidth = 6.6;
	const left = Math.round(label.length * charWidth + 12);
	const right = Math.round(value.length * charWidth + 12);
	const width = left + right;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-label="${esc(`${label}: ${value}`)}">
<title>${esc(`${label}: ${value}`)}</title>
<rect width="${left}" height="20" rx="3" fill="#475569"/><rect x="${left}" width="${right}" height="20" rx="3" fill="${STATE_COLOURS[monitor.state]}"/><rect x="${left - 3}" width="6" height="20" fill="${STATE_COLOURS[monitor.state]}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle"><text x="${left / 2}" y="14">${esc(label)}</text><text x="${left + right / 2}" y="14">${esc(value)}</text></g>
</svg>
`;
}

/** A file name for a monitor's badge: its position and a slug of its name. */
export function badgeFilename(monitor: StatusMonitor): string {
	const slug = monitor.name
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return `badge-${monitor.key}${slug ? `-${slug}` : ''}.svg`;
}
