/**
 * Database health as the UI sees it: the report and chart of the Health section, the alert banner,
 * the thresholds of the Settings page, and maintenance with its progress and outcome.
 */
import type { DbClient } from '../client/db-client';
import type { MaintenanceTask, TaskProgress } from '../shared/backups';
import { formatBytes, formatDuration } from '../shared/format';
import type {
	HealthAlert,
	HealthHistory,
	HealthRange,
	HealthReport,
	Thresholds,
} from '../shared/health';
import { describeError, notices, reportError } from './notices.svelte';

const MAINTENANCE: readonly string[] = ['rotate', 'archive', 'vacuum', 'optimize', 'integrity'];

export interface MaintenanceOutcome {
	task: MaintenanceTask;
	ok: boolean;
	text: string;
}

function count(n: number, word: string): string {
	return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export class HealthState {
	readonly #db: DbClient;
	#report = $state.raw<HealthReport | null>(null);
	#waitingArchive = $state.raw<{ token: string; filename: string } | null>(null);
	#history = $state.raw<HealthHistory | null>(null);
	#range = $state<HealthRange>('24h');
	#alerts = $state.raw<HealthAlert[]>([]);
	#thresholds = $state.raw<Thresholds | null>(null);
	#progress = $state.raw<TaskProgress | null>(null);
	#busy = $state<MaintenanceTask | null>(null);
	#outcome = $state.raw<MaintenanceOutcome | null>(null);

	constructor(db: DbClient) {
		this.#db = db;
		db.on('progress', (progress) => {
			if (progress.task === null) this.#progress = null;
			else if (MAINTENANCE.includes(progress.task)) this.#progress = progress;
		});
		db.on('changed', ({ tables }) => {
			if (tables.includes('health_alerts')) void this.loadAlerts();
			if (tables.includes('settings') && this.#thresholds) void this.loadThresholds();
			// An import, a restore or a compaction changes what the history card shows: no need to wait.
			if (tables.includes('history_blocks') && this.#report) void this.refresh();
		});
	}

	get report(): HealthReport | null {
		return this.#report;
	}

	get history(): HealthHistory | null {
		return this.#history;
	}

	get range(): HealthRange {
		return this.#range;
	}

	/** Raises not yet dismissed, oldest first. */
	get alerts(): HealthAlert[] {
		return this.#alerts;
	}

	get thresholds(): Thresholds | null {
		return this.#thresholds;
	}

	/** Maintenance running in the owner (started in any window), or null. */
	get progress(): TaskProgress | null {
		return this.#progress;
	}

	/** The maintenance this window started and waits for. */
	get busy(): MaintenanceTask | null {
		return this.#busy;
	}

	/** What the last maintenance of this window did, in a sentence. */
	get outcome(): MaintenanceOutcome | null {
		return this.#outcome;
	}

	async refresh(): Promise<void> {
		try {
			const [report, history] = await Promise.all([
				this.#db.call('health.report'),
				this.#db.call('health.history', { range: this.#range }),
			]);
			this.#report = report;
			this.#history = history;
		} catch (error) {
			reportError(error, 'Reading the database health');
		}
	}

	async setRange(range: HealthRange): Promise<void> {
		this.#range = range;
		try {
			this.#history = await this.#db.call('health.history', { range });
		} catch (error) {
			reportError(error, 'Reading the health history');
		}
	}

	async loadAlerts(): Promise<void> {
		try {
			this.#alerts = await this.#db.call('health.alerts');
		} catch (error) {
			// The banner is a courtesy: a database that cannot answer says so elsewhere.
			console.warn('Reading health alerts failed', error);
		}
	}

	async dismiss(id: number): Promise<void> {
		this.#alerts = this.#alerts.filter((a) => a.id !== id);
		try {
			await this.#db.call('health.dismiss', { id });
		} catch (error) {
			reportError(error, 'Dismissing the alert');
		}
	}

	async loadThresholds(): Promise<void> {
		try {
			this.#thresholds = await this.#db.call('health.thresholds');
		} catch (error) {
			reportError(error, 'Reading the health thresholds');
		}
	}

	/** Throws, so the form can show each metric's message. */
	async saveThresholds(thresholds: Thresholds): Promise<void> {
		this.#thresholds = await this.#db.call('health.setThresholds', thresholds);
	}

	rotate(): Promise<void> {
		return this.#maintain('rotate', async () => {
			const r = await this.#db.call('maintenance.rotate');
			return (
				`Rotation removed ${count(r.checks, 'check')}, ${count(r.rollups, 'rollup row')} ` +
				`and ${count(r.notifications, 'old notification')}.`
			);
		});
	}

	/**
	 * Resolves with the archive file for the page to download, or null. Its rows stay in the database
	 * until the person confirms the download finished (`confirmArchive`).
	 */
	async archive(): Promise<{ filename: string; bytes: Uint8Array; token: string } | null> {
		let file: { filename: string; bytes: Uint8Array; token: string } | null = null;
		await this.#maintain('archive', async () => {
			const r = await this.#db.call('maintenance.archive');
			if (!r.file || !r.token)
				return 'Nothing is old enough to archive: every row is within the retention period.';
			file = { ...r.file, token: r.token };
			this.#waitingArchive = { token: r.token, filename: r.file.filename };
			return (
				`Copied ${count(r.checks, 'check')}, ${count(r.rollups, 'rollup row')} and ` +
				`${count(r.notifications, 'old notification')} into ` +
				`${r.file.filename} (${formatBytes(r.file.bytes.byteLength)}). They stay in the database until you confirm the download finished.`
			);
		});
		return file;
	}

	/** The archive downloaded and not yet confirmed or discarded. */
	get waitingArchive(): { token: string; filename: string } | null {
		return this.#waitingArchive;
	}

	confirmArchive(): Promise<void> {
		const waiting = this.#waitingArchive;
		if (!waiting) return Promise.resolve();
		return this.#maintain('archive', async () => {
			this.#waitingArchive = null;
			const r = await this.#db.call('maintenance.archiveConfirm', { token: waiting.token });
			return (
				`Removed ${count(r.checks, 'check')}, ${count(r.rollups, 'rollup row')} and ` +
				`${count(r.notifications, 'old notification')} kept in ${waiting.filename} from the database.`
			);
		});
	}

	discardArchive(): Promise<void> {
		const waiting = this.#waitingArchive;
		if (!waiting) return Promise.resolve();
		return this.#maintain('archive', async () => {
			this.#waitingArchive = null;
			await this.#db.call('maintenance.archiveDiscard', { token: waiting.token });
			return 'Archive discarded: every row stays in the database.';
		});
	}

	vacuum(): Promise<void> {
		return this.#maintain('vacuum', async () => {
			const r = await this.#db.call('maintenance.vacuum');
			return (
				`Compacted from ${formatBytes(r.beforeBytes)} to ${formatBytes(r.afterBytes)} ` +
				`(VACUUM held the database for ${formatDuration(r.blockedMs)}).`
			);
		});
	}

	optimize(): Promise<void> {
		return this.#maintain('optimize', async () => {
			const r = await this.#db.call('maintenance.optimize');
			if (r.analyzed.length === 0) return 'SQLite’s statistics were current: nothing to do.';
			const tables = r.analyzed.map((s) => s.replace(/^ANALYZE\s+/i, '').replace(/"/g, ''));
			return `Optimize refreshed the statistics of ${tables.join(', ')} in ${formatDuration(r.ms)}.`;
		});
	}

	integrity(): Promise<void> {
		return this.#maintain('integrity', async () => {
			const r = await this.#db.call('maintenance.integrity');
			const what = `${formatBytes(r.sizeBytes)} checked in ${formatDuration(r.ms)}`;
			if (r.ok) return `Integrity check: ok (${what}).`;
			const problems = [...r.messages.filter((m) => m !== 'ok'), ...r.foreignKeys];
			throw new Error(`Integrity check found problems (${what}): ${problems.join('; ')}`);
		});
	}

	async #maintain(task: MaintenanceTask, work: () => Promise<string>): Promise<void> {
		this.#busy = task;
		this.#outcome = null;
		try {
			this.#outcome = { task, ok: true, text: await work() };
		} catch (error) {
			this.#outcome = { task, ok: false, text: describeError(error) };
			notices.push('error', describeError(error));
		} finally {
			this.#busy = null;
			await this.refresh();
		}
	}
}
