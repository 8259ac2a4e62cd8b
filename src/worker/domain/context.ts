/** What a service call is given: the live database and the clock (the runtime's handlers pass theirs). */
import type { LiveDatabase } from '../core/database/live-database';

export interface ServiceContext {
	db: LiveDatabase;
	now: () => number;
}
