/** The app's state, wired once to the database connection. Components import from here. */
import { getDb } from '../client/db-client';
import { BackupsState } from './backups.svelte';
import { Connection } from './connection.svelte';
import { DatabaseState } from './database.svelte';
import { MonitorsState } from './monitors.svelte';

const db = getDb();

export const connection = new Connection(db);
export const monitors = new MonitorsState(db);
export const database = new DatabaseState(db);
export const backups = new BackupsState(db);

/** A handle for people who want to script their own data from the console (and for end-to-end tests). */
export const debugHandle = { db };
