/** The health and maintenance calls of the worker API; the work is in src/worker/health/. */
import { AppError } from '../../../shared/errors';
import { HEALTH_RANGES, type HealthRange } from '../../../shared/health';
import type { Maintenance } from '../../domain/health/maintenance';
import type { HealthService } from '../../domain/health/service';
import type { HandlerContext } from './context';

/** Health runs as an owner job (jobs.ts); a database opened without it cannot answer these calls. */
export function healthOf(ctx: HandlerContext): HealthService {
	const health = ctx.services.health;
	if (!health) throw new AppError('internal', 'Database health is not running in this worker.');
	return health;
}

export function maintenanceOf(ctx: HandlerContext): Maintenance {
	const maintenance = ctx.services.maintenance;
	if (!maintenance)
		throw new AppError('internal', 'Database maintenance is not running in this worker.');
	return maintenance;
}

export function checkHealthRange(args: unknown): HealthRange {
	const range = (args as { range?: unknown } | undefined)?.range;
	if (!HEALTH_RANGES.includes(range as HealthRange)) {
		throw new AppError('invalid-input', `A health range is one of ${HEALTH_RANGES.join(', ')}.`);
	}
	return range as HealthRange;
}

export function alertIdOf(args: unknown): number {
	const id = (args as { id?: unknown } | undefined)?.id;
	if (!Number.isSafeInteger(id) || (id as number) <= 0) {
		throw new AppError('invalid-input', 'An alert id is a positive whole number.');
	}
	return id as number;
}
