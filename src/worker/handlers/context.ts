/** What every handler is given: the database, the clock and the owner's long-lived services. */
import type { Account } from '../account/account';
import type { Scheduler } from '../checks/scheduler';
import type { LiveDatabase } from '../database';
import type { Maintenance } from '../health/maintenance';
import type { HealthService } from '../health/service';
import type { Dispatcher } from '../telegram/dispatcher';

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
