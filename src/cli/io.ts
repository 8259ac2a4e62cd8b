/** Where the command line writes, and what it needs from its surroundings; tests pass their own. */

export interface Io {
	out(line: string): void;
	err(line: string): void;
	/** Relative paths are resolved from here: the directory `npm run` was started in, not the package. */
	cwd: string;
	now(): number;
}

export const processIo: Io = {
	out: (line) => process.stdout.write(`${line}\n`),
	err: (line) => process.stderr.write(`${line}\n`),
	cwd: process.env.INIT_CWD ?? process.cwd(),
	now: Date.now,
};

/** Exit codes: 0 all is well, 1 migrations are pending (status, check), 2 a problem. */
export const EXIT_OK = 0;
export const EXIT_PENDING = 1;
export const EXIT_PROBLEM = 2;

/** A failure the user can act on: printed as one line, never with a stack trace. */
export class CliError extends Error {
	override readonly name = 'CliError';
}
