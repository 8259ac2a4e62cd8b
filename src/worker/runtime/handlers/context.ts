/** What every handler is given: the database, the clock and the owner's long-lived services. */
import type { Account } from '../../domain/account/account';
import type { Scheduler } from '../../domain/checks/scheduler';
import type { LiveDatabase } from '../../core/database/live-database';
import type { Maintenance } from '../../domain/health/maintenance';
import type { HealthService } from '../../domain/health/service';
import type { Dispatcher } from '../../domain/telegram/dispatcher';

/** Long-lived parts of the owner that handlers may reach (set by the owner jobs when they start). */
export interface Services {
	account?: Account;
	scheduler?: Scheduler;
	health?: HealthService;
	maintenance?: Maintenance;
	telegram?: Dispatcher;
}

export interface HandlerContext {
	db: LiveDatabase;
	now: () => number;
	services: Services;
}
