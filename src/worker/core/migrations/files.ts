/**
 * Migration files as the runner sees them. The same parser serves the worker (files bundled by Vite)
 * and the command line (files read from disk), so both agree on names, order and checksums.
 */
import { AppError } from '../../../shared/errors';

export interface MigrationFile {
	/** The number in `NNN_name.sql`; also the schema version after it is applied. */
	id: number;
	filename: string;
	/**
	 * SHA-256 (lowercase hex) of the file's up part with line endings normalised to LF: the whole file
	 * when it has no down section, else the text before the `-- migrate:down` line without the blank
	 * lines just before it. See README.md beside this file for why (released files gained down sections).
	 */
	checksum: string;
	up: string;
	/** The optional `-- migrate:down` section (dbmate style); null when absent. */
	down: string | null;
	/**
	 * Why undoing this migration would destroy data, from a `-- reset refuses: <reason>` line in its
	 * down section; a reset refuses with it. Null when undoing is safe (or there is no down section).
	 */
	refusal: string | null;
}

const FILENAME = /^(\d{3})_[a-z0-9_]+\.sql$/;
const DOWN_MARKER = /^--\s*migrate:down\s*$/m;
const UP_MARKER = /^--\s*migrate:up\s*$/m;
const REFUSAL = /^--\s*reset refuses:\s*(.+)$/m;
// The runner owns transactions and the foreign-key switch; a file that does either would break its guarantees.
const FORBIDDEN = [
	{ pattern: /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/im, why: 'transaction control' },
	{ pattern: /PRAGMA\s+(\w+\.)?foreign_keys\s*=/i, why: 'PRAGMA foreign_keys' },
];

export function normalise(text: string): string {
	return text.replace(/\r\n?/g, '\n');
}

export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Parses `{ path: text }` into an ordered list. Throws `migration-bundle-invalid` on a bad name,
 * a duplicate or missing number, or a file that controls transactions itself.
 */
export async function parseMigrations(sources: Record<string, string>): Promise<MigrationFile[]> {
	const files: MigrationFile[] = [];
	for (const [path, raw] of Object.entries(sources)) {
		const filename = basename(path);
		const match = FILENAME.exec(filename);
		if (!match) throw invalid(`${filename}: migration files are named NNN_snake_case.sql`);
		const text = normalise(raw);
		const { upPart, downPart, checksummed } = splitDown(text);
		for (const { pattern, why } of FORBIDDEN) {
			for (const part of [upPart, downPart ?? '']) {
				if (pattern.test(part)) throw invalid(`${filename}: contains ${why}, which the runner owns`);
			}
		}
		files.push({
			id: Number(match[1]),
			filename,
			checksum: await sha256Hex(checksummed),
			up: upPart,
			down: downPart,
			refusal: downPart === null ? null : (REFUSAL.exec(downPart)?.[1]?.trim() ?? null),
		});
	}
	files.sort((a, b) => a.id - b.id);
	files.forEach((file, index) => {
		if (file.id !== index + 1) {
			throw invalid(`${file.filename}: expected number ${String(index + 1).padStart(3, '0')}; numbers start at 001 with no gaps`);
		}
	});
	return files;
}

function splitDown(text: string): { upPart: string; downPart: string | null; checksummed: string } {
	const down = DOWN_MARKER.exec(text);
	const up = down ? text.slice(0, down.index) : text;
	return {
		upPart: up.replace(UP_MARKER, ''),
		downPart: down ? text.slice(down.index + down[0].length) : null,
		// A file released without a down section ended with one newline: adding "\n-- migrate:down\n…"
		// after it keeps its checksum, so databases that recorded it still match.
		checksummed: down ? up.replace(/\n+$/, '\n') : text,
	};
}

function invalid(message: string): AppError {
	return new AppError('migration-bundle-invalid', message);
}
