/**
 * A merge of another device's database (`incoming`, checked and migrated like any import) into
 * `target`, a private copy of the live database that replaces it only once the whole merge has
 * succeeded (session.ts): so nothing here needs to undo anything on failure. The same function makes
 * the preview (on a copy that is then dropped) and the merge itself, so the preview says exactly
 * what confirming does. Merging the same file again adds nothing.
 */
import type {
	FieldDifference,
	MergeChoices,
	MergedMonitor,
	MergeReport,
} from '../../../../shared/merge';
import type { Engine, Param, Row } from '../../../core/engine';
import type { Compression } from '../../../stores/history/compression';
import {
	MONITOR_SECRETS,
	placeOf,
	removeMonitorSecret,
	removeToken,
	writeMonitorSecret,
	writeToken,
} from '../../../stores/secrets';
import {
	API_BASE_KEY,
	getSetting,
	IMPORT_PAUSED_KEY,
	putSetting,
	LAST_EXPORT_KEY,
} from '../../../stores/settings';
import type { SecretCarrier } from '../../account/carry';
import { isSealed } from '../../account/crypto';
import { checkCount, copyHistory, joinHistory } from './history';
import { mapOf, mergeTable, type IdMaps, type MergedRow, type TableOutcome } from './rows';
import { AFTER_HISTORY, BEFORE_HISTORY, quote } from './tables';

export interface MergeOptions {
	compression: Compression;
	choices: MergeChoices;
	carrier: SecretCarrier;
	now: number;
}

/** A monitor's settings compared between the two sides (the secret ones only when both are in clear). */
const COMPARED = ['name', 'interval_s', 'timeout_ms', 'mode', 'retries', 'conditions'] as const;
/** Settings that belong to this device, never taken from a file. */
const OWN_SETTINGS = new Set([LAST_EXPORT_KEY, IMPORT_PAUSED_KEY, API_BASE_KEY]);
const NOT_GIVEN = 'Sealed with another device’s passphrase, which was not given: enter it again.';

export async function mergeInto(
	target: Engine,
	incoming: Engine,
	options: MergeOptions,
): Promise<MergeReport> {
	const { choices } = options;
	const hereBefore = checkCount(target, null);
	const ids: IdMaps = new Map();
	const context = { settings: choices.settings };
	const before = new Map<string, TableOutcome>();
	target.transaction(() => {
		for (const spec of BEFORE_HISTORY)
			before.set(spec.table, mergeTable(target, incoming, spec, ids, context));
	});
	const monitors = before.get('monitors')?.rows ?? [];
	const bots = before.get('telegram_bots')?.rows ?? [];
	const chats = before.get('telegram_chats')?.rows ?? [];

	const list: MergedMonitor[] = [];
	const takeTheirs: MergedRow[] = [];
	for (const m of monitors) {
		const differences = m.added ? [] : differencesOf(target, m);
		const winner = differences.length > 0 ? (choices.monitors[m.fileId!] ?? 'mine') : 'mine';
		if (winner === 'theirs') takeTheirs.push(m);
		list.push({
			fileId: m.fileId!,
			name: String(m.row.name),
			method: String(m.row.method),
			url: String(m.row.url),
			outcome: m.added ? 'new' : 'matched',
			checksHere: 0,
			checksInFile: 0,
			checksAdded: 0,
			eventsAdded: 0,
			differences,
			winner,
		});
	}
	target.transaction(() => {
		for (const m of takeTheirs) takeSettings(target, m, options.now);
	});
	const secretsSkipped = await carrySecrets(
		target,
		options.carrier,
		[...monitors.filter((m) => m.added), ...takeTheirs],
		bots.filter((b) => b.added),
	);

	const checkIds = mapOf(ids, 'checks');
	const entryOf = new Map(monitors.map((m, i) => [m, list[i]!]));
	const byTarget = new Map(monitors.map((m, i) => [m.targetId, list[i]!]));
	for (const m of monitors) {
		const joined = m.added
			? copyHistory(target, incoming, m.fileId!, m.targetId, checkIds)
			: await joinHistory(target, incoming, m.fileId!, m.targetId, options.compression, checkIds);
		Object.assign(entryOf.get(m)!, {
			checksHere: joined.here,
			checksInFile: joined.inFile,
			checksAdded: joined.added,
		});
	}

	let events = 0;
	target.transaction(() => {
		for (const spec of AFTER_HISTORY) {
			const outcome = mergeTable(target, incoming, spec, ids, context);
			if (spec.table !== 'events') continue;
			for (const e of outcome.rows.filter((r) => r.added)) {
				events++;
				const entry = byTarget.get(Number(e.row.monitor_id));
				if (entry) entry.eventsAdded++;
			}
		}
	});

	const settings = mergeSettings(target, incoming, choices.settings, options.now);
	holdAdded(target, monitors, options.now);

	for (const entry of list) {
		const nothing = entry.checksAdded === 0 && entry.eventsAdded === 0;
		if (entry.outcome === 'matched' && nothing && entry.differences.length === 0)
			entry.outcome = 'skipped';
	}
	const shared = list.reduce((n, l) => n + (l.checksInFile - l.checksAdded), 0);
	list.sort(
		(a, b) =>
			Number(b.differences.length > 0) - Number(a.differences.length > 0) ||
			a.name.localeCompare(b.name) ||
			a.fileId - b.fileId,
	);
	return {
		monitors: {
			new: list.filter((l) => l.outcome === 'new').length,
			matched: list.filter((l) => l.outcome === 'matched').length,
			skipped: list.filter((l) => l.outcome === 'skipped').length,
		},
		checks: {
			hereOnly: hereBefore - shared,
			added: list.reduce((n, l) => n + l.checksAdded, 0),
			shared,
		},
		events,
		bots: {
			added: bots.filter((b) => b.added).length,
			matched: bots.filter((b) => !b.added).length,
		},
		chats: {
			added: chats.filter((c) => c.added).length,
			matched: chats.filter((c) => !c.added).length,
		},
		settings: { differing: settings, winner: choices.settings },
		secretsSkipped,
		list,
	};
}

function differencesOf(target: Engine, m: MergedRow): FieldDifference[] {
	const mine = target.get<Row>('SELECT * FROM monitors WHERE id = ?', [m.targetId]);
	if (!mine) return [];
	const differences: FieldDifference[] = [];
	for (const field of COMPARED) {
		if (mine[field] !== m.row[field])
			differences.push({ field, mine: String(mine[field]), theirs: String(m.row[field]) });
	}
	for (const field of MONITOR_SECRETS) {
		const [a, b] = [String(mine[field] ?? '{}'), String(m.row[field] ?? '{}')];
		// Sealed values differ whatever they hold: only values in clear are compared (and never shown).
		if (a.startsWith('"enc:') || b.startsWith('"enc:') || a === b) continue;
		differences.push({ field, mine: 'hidden', theirs: 'hidden' });
	}
	return differences;
}

/** "Theirs" for a matched monitor: its settings from the file (running or paused stays as it is here). */
function takeSettings(target: Engine, m: MergedRow, now: number): void {
	target.run(
		`UPDATE monitors SET ${COMPARED.map((c) => `${quote(c)} = ?`).join(', ')},
		   updated_at = max(updated_at, ?) WHERE id = ?`,
		[...COMPARED.map((c) => m.row[c] as Param), now, m.targetId],
	);
}

/**
 * Brings the secrets of added monitors and bots (and of monitors whose settings the file wins) over.
 * One that cannot be read here is left out: an added row is marked for re-entry, a matched monitor
 * keeps its own.
 */
async function carrySecrets(
	target: Engine,
	carrier: SecretCarrier,
	monitors: readonly MergedRow[],
	bots: readonly MergedRow[],
): Promise<{ monitors: number; bots: number }> {
	const skipped = { monitors: 0, bots: 0 };
	const writes: (() => void)[] = [];
	for (const m of monitors) {
		for (const column of MONITOR_SECRETS) {
			const stored = m.row[column];
			if (typeof stored !== 'string' || stored === '{}') continue;
			if (Number(m.row[`needs_${column}`] ?? 0) === 1) continue;
			const value: unknown = JSON.parse(stored);
			const carried = await carrier.carry(
				typeof value === 'string' ? value : stored,
				placeOf('monitors', m.fileId!, column),
				placeOf('monitors', m.targetId, column),
			);
			if (carried === null) skipped.monitors++;
			if (carried === null && !m.added) continue;
			writes.push(() =>
				carried === null
					? removeMonitorSecret(target, m.targetId, column)
					: writeMonitorSecret(
							target,
							m.targetId,
							column,
							isSealed(carried) ? JSON.stringify(carried) : carried,
						),
			);
		}
	}
	for (const b of bots) {
		if (Number(b.row.needs_token) === 1) {
			const why = String(b.row.status_message ?? NOT_GIVEN);
			writes.push(() => removeToken(target, b.targetId, why));
			continue;
		}
		const carried = await carrier.carry(
			String(b.row.token),
			placeOf('telegram_bots', b.fileId!),
			placeOf('telegram_bots', b.targetId),
		);
		if (carried === null) skipped.bots++;
		writes.push(() =>
			carried === null
				? removeToken(target, b.targetId, NOT_GIVEN)
				: writeToken(target, b.targetId, carried),
		);
	}
	target.transaction(() => writes.forEach((w) => w()));
	return skipped;
}

/** The keys whose values differ; with "theirs", the file's values are taken. */
function mergeSettings(
	target: Engine,
	incoming: Engine,
	winner: 'mine' | 'theirs',
	now: number,
): string[] {
	const theirs = incoming.all<{ key: string; value: string }>(
		'SELECT key, value FROM settings ORDER BY key',
	);
	const differing = theirs.filter(
		(s) => !OWN_SETTINGS.has(s.key) && getSetting(target, s.key) !== s.value,
	);
	if (winner === 'theirs')
		target.transaction(() => {
			for (const s of differing) putSetting(target, s.key, s.value, now);
		});
	return differing.map((s) => s.key);
}

/** Added monitors that ran in the file arrive paused; "Resume all" starts them, as after an import. */
function holdAdded(target: Engine, monitors: readonly MergedRow[], now: number): void {
	const paused = monitors
		.filter((m) => m.added && Number(m.row.enabled) === 1)
		.map((m) => m.targetId);
	if (paused.length === 0) return;
	let held: number[] = [];
	try {
		const parsed: unknown = JSON.parse(getSetting(target, IMPORT_PAUSED_KEY) ?? '[]');
		if (Array.isArray(parsed)) held = parsed.filter((id): id is number => Number.isSafeInteger(id));
	} catch {
		// An unreadable list is replaced.
	}
	const all = [...new Set([...held, ...paused])].sort((a, b) => a - b);
	putSetting(target, IMPORT_PAUSED_KEY, JSON.stringify(all), now);
}
