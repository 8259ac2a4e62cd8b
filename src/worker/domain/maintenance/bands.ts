/** A monitor's stretches of maintenance over a chart's range, from its start and end events. */
import type { MaintenanceBand } from '../../../shared/history';
import type { Engine } from '../../core/engine';
import { maintenanceEventsSince } from '../../stores/maintenance';

/** Pairs each start with the end after it; a start without one (maintenance now) runs to `to`. */
export function maintenanceBands(
	engine: Engine,
	monitorId: number,
	from: number,
	to: number,
): MaintenanceBand[] {
	const bands: MaintenanceBand[] = [];
	let open: { start: number; name: string } | null = null;
	for (const e of maintenanceEventsSince(engine, monitorId, from)) {
		if (e.kind === 'start') open ??= { start: e.at, name: e.name };
		else if (open) {
			bands.push({ ...open, end: e.at });
			open = null;
		}
	}
	if (open) bands.push({ ...open, end: to });
	return bands
		.filter((b) => b.end > from && b.start < to)
		.map((b) => ({ ...b, start: Math.max(b.start, from), end: Math.min(b.end, to) }));
}
