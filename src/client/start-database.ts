/**
 * Starts the database worker as the page's very first act. `main.ts` imports this before anything
 * else, so the worker loads, claims storage and reads the database while the rest of the app's modules
 * are still being evaluated (about 100 ms of a cold open on W that the worker used to wait out).
 */
import { getDb } from './db-client';

getDb();
