/** What every handler is given: the database, the clock and the owner's long-lived services. */
import type { Account } from '../../domain/account/account';
import type { ServiceContext } from '../../domain/context';
import type { Scheduler } from '../../domain/checks/scheduler';
import type { Maintenance } from '../../domain/health/maintenance';
import type { HealthService } from '../../domain/health/service';
import type { Dispatcher } from '../../domain/telegram/dispatcher';
import type { NotificationBridge } from '../notification-bridge';

/** Long-lived parts of the owner that handlers may reach (set by the owner jobs when they start). */
export interface Services {
	account?: Account;
	scheduler?: Scheduler;
	health?: HealthService;
	maintenance?: Maintenance;
	telegram?: Dispatcher;
	/** Browser notifications, shown by a window (notification-bridge.ts). */
	notifications?: NotificationBridge;
}

/** A service's context (the database, the clock) and the owner's services. */
export interface HandlerContext extends ServiceContext {
	services: Services;
	/** The window that made the call (its worker's id), for what is per window: the account's sessions. */
	window?: string;
	/** Tells every window that background work failed (the notices funnel); never throws. */
	report: (what: string, error: unknown) => void;
}
