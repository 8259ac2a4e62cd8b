/** The health and maintenance calls; the work is in domain/health/ (service.ts, maintenance.ts). */
import { AppError } from '../../../shared/errors';
import { HEALTH_RANGES, type HealthRange } from '../../../shared/health';
import { rotate } from '../../domain/checks/retention';
import type { Maintenance } from '../../domain/health/maintenance';
import type { HealthService } from '../../domain/health/service';
import { positiveId } from './args';
import type { HandlerContext } from './context';
import type { AreaHandlers } from './table';

/** Health runs as an owner job (jobs.ts); a database opened without it cannot answer these calls. */
function healthOf(ctx: HandlerContext): HealthService {
	const health = ctx.services.health;
	if (!health) throw new AppError('internal', 'Database health is not running in this worker.');
	return health;
}

function maintenanceOf(ctx: HandlerContext): Maintenance {
	const maintenance = ctx.services.maintenance;
	if (!maintenance)
		throw new AppError('internal', 'Database maintenance is not running in this worker.');
	return maintenance;
}

function checkHealthRange(range: unknown): HealthRange {
	if (!HEALTH_RANGES.includes(range as HealthRange)) {
		throw new AppError('invalid-input', `A health range is one of ${HEALTH_RANGES.join(', ')}.`);
	}
	return range as HealthRange;
}

export const healthHandlers: AreaHandlers<'health' | 'maintenance'> = {
	'maintenance.rotate': {
		kind: 'task',
		run: async (ctx) =>
			ctx.services.maintenance ? ctx.services.maintenance.rotate() : rotate(ctx.db, ctx.now()),
	},
	'maintenance.archive': { kind: 'task', run: (ctx) => maintenanceOf(ctx).archive() },
	'maintenance.vacuum': { kind: 'task', run: (ctx) => maintenanceOf(ctx).vacuum() },
	'maintenance.optimize': { kind: 'task', run: (ctx) => maintenanceOf(ctx).optimize() },
	'maintenance.integrity': { kind: 'task', run: (ctx) => maintenanceOf(ctx).integrity() },
	'health.report': { kind: 'read', run: (ctx) => healthOf(ctx).report() },
	'health.history': {
		kind: 'read',
		run: (ctx, args) => healthOf(ctx).history(checkHealthRange(args?.range)),
	},
	'health.alerts': { kind: 'read', run: (ctx) => healthOf(ctx).activeAlerts() },
	'health.dismiss': {
		kind: 'write',
		run: (ctx, args) => healthOf(ctx).dismiss(positiveId(args?.id, 'An alert id')),
	},
	'health.thresholds': { kind: 'read', run: (ctx) => healthOf(ctx).thresholds() },
	'health.setThresholds': { kind: 'task', run: (ctx, args) => healthOf(ctx).setThresholds(args) },
};
