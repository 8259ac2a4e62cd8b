/**
 * The worker API, declared once. The client's `call` and the worker's handler table are both typed from
 * this map, so a call and its handler cannot drift apart.
 */
import type { ActivityPage, ActivityQuery } from './activity';
import type { BackupInfo, TaskProgress } from './backups';
import type { DatabaseStatus, DryRunReport, ResetReport, SaveStatus } from './database';
import type { AccountStatus, OlderBackups, SealedCopies, SessionInfo } from './account';
import type {
	ArchiveRemoved,
	ArchiveResult,
	HealthAlert,
	HealthHistory,
	HealthRange,
	HealthReport,
	IntegrityResult,
	OptimizeResult,
	Thresholds,
	VacuumResult,
} from './health';
import type { AppSettings, ChartRange, MonitorDetail, MonitorOverview } from './history';
import type { MaintenanceWindow, MaintenanceWindowInput } from './maintenance';
import type { Monitor, MonitorInput } from './monitors';
import type { StatusRequest, StatusSummary } from './status';
import type { BulkAction, Tag, TagInput } from './tags';
import type {
	MonitorAlerts,
	OutboxEntry,
	TelegramBot,
	TelegramChat,
	TelegramOverview,
} from './telegram';
import type { BackgroundNotice, WireError } from './errors';
import type { Channel, ChannelInput, ChannelTemplates } from './channels';
import type { ExportedFile, ImportPreview, IncomingSummary } from './transfer';
import type { MergeChoices, MergePreview, MergeReport } from './merge';

interface Call<Args, Result> {
	args: Args;
	result: Result;
}

export interface DbApi {
	'monitors.list': Call<void, Monitor[]>;
	'monitors.get': Call<{ id: number }, Monitor>;
	'monitors.create': Call<MonitorInput, Monitor>;
	'monitors.update': Call<{ id: number; input: MonitorInput }, Monitor>;
	'monitors.delete': Call<{ id: number }, { deleted: boolean }>;
	'monitors.setEnabled': Call<{ id: number; enabled: boolean }, Monitor>;
	/**
	 * Every monitor with its state, last check, 24 h uptime and latest checks, in list order. With `ids`,
	 * only those monitors (ids that no longer exist are left out): a list refreshed from per-monitor
	 * change notices rereads the few that changed. A worker that returns more is still right: callers
	 * merge the answer by id.
	 */
	'monitors.overview': Call<{ ids?: number[] } | void, MonitorOverview[]>;
	'monitors.detail': Call<{ id: number; range: ChartRange }, MonitorDetail>;
	/** One action on several monitors in one transaction; ids that are not monitors are skipped. */
	'monitors.bulk': Call<{ ids: number[]; action: BulkAction }, { changed: number }>;
	/** Every tag, by name. */
	'tags.list': Call<void, Tag[]>;
	'tags.create': Call<TagInput, Tag>;
	'tags.update': Call<{ id: number; input: TagInput }, Tag>;
	/** Its monitors lose it. */
	'tags.delete': Call<{ id: number }, { deleted: boolean }>;
	/** The monitor list's view (search, filters, sort, grouping) as a query string; null when never set. */
	'listView.get': Call<void, { view: string | null }>;
	'listView.set': Call<{ view: string }, { view: string }>;
	/** Maintenance windows, by name; creating or editing one checks it (`invalid-input` with fields). */
	'windows.list': Call<void, MaintenanceWindow[]>;
	'windows.create': Call<MaintenanceWindowInput, MaintenanceWindow>;
	'windows.update': Call<{ id: number; input: MaintenanceWindowInput }, MaintenanceWindow>;
	/** A monitor in its maintenance leaves it at its next check. */
	'windows.delete': Call<{ id: number }, { deleted: boolean }>;
	/** What a published status page shows: public facts only (no headers, bodies, tokens; URLs if asked). */
	'status.summary': Call<StatusRequest, StatusSummary>;
	/** Runs the monitor's check now instead of at its next due time. */
	'checks.runNow': Call<{ id: number }, void>;
	'telegram.overview': Call<void, TelegramOverview>;
	/** Checks the token with getMe and stores the bot; looks for its chats at once. */
	'telegram.addBot': Call<{ token: string }, TelegramBot>;
	'telegram.removeBot': Call<{ id: number }, { deleted: boolean }>;
	/** A short getUpdates poll now: finds chats the bot was added to or written in. */
	'telegram.discover': Call<{ botId: number }, { newChats: number; updates: number }>;
	'telegram.removeWebhook': Call<{ botId: number }, { newChats: number; updates: number }>;
	'telegram.refreshChat': Call<{ chatRef: number }, TelegramChat>;
	'telegram.updateChat': Call<
		{
			chatRef: number;
			isDefault: boolean;
			defaultThreadId: number | null;
			defaultSilent: boolean;
			enable?: boolean;
		},
		TelegramChat
	>;
	'telegram.testMessage': Call<{ chatRef: number; threadId?: number | null }, { outboxId: number }>;
	'telegram.setApiBase': Call<{ base: string }, { apiBase: string }>;
	/** A custom message template, or null for the default one. */
	'telegram.setTemplate': Call<{ template: string | null }, { template: string | null }>;
	/** Sends a failed or uncertain message again, on purpose. */
	'telegram.resend': Call<{ outboxId: number }, void>;
	'alerts.get': Call<{ monitorId: number }, MonitorAlerts>;
	'alerts.set': Call<
		{
			monitorId: number;
			alerts: Pick<MonitorAlerts, 'mode' | 'reminderMinutes' | 'chats'> & { channels?: number[] };
		},
		MonitorAlerts
	>;
	/** "I'm on it": no reminders for this incident (the monitor is down); its next state change clears it. */
	'alerts.acknowledge': Call<{ monitorId: number }, MonitorAlerts>;
	/** Writes an event's note (empty: removes it); the monitor's history shows it, the export keeps it. */
	'events.setNote': Call<{ eventId: number; note: string }, void>;
	/** A window showed the notification the owner asked for (`notify`), or could not (`error`). */
	'notifications.shown': Call<{ id: string; error: string | null }, void>;
	'channels.list': Call<void, Channel[]>;
	/** Creates (no id) or changes a channel; a secret field left empty keeps the stored one. */
	'channels.save': Call<ChannelInput, Channel>;
	'channels.remove': Call<{ id: number }, { deleted: boolean }>;
	/** Queues a test message through the outbox, like an alert; the log shows how it went. */
	'channels.test': Call<{ id: number }, { outboxId: number }>;
	'channels.templates': Call<void, ChannelTemplates>;
	/** An empty template falls back to its default. */
	'channels.setTemplates': Call<Partial<ChannelTemplates>, ChannelTemplates>;
	/** The notification log: what was sent, or not, and why; newest first. */
	'alerts.log': Call<{ monitorId: number | null }, OutboxEntry[]>;
	'account.status': Call<void, AccountStatus>;
	/** Sets the first passphrase: the secrets are encrypted under it and a session starts. */
	/** `olderBackups`: what to do with backups holding the secrets in clear (sealed unless said otherwise). */
	'account.setPassphrase': Call<
		{ passphrase: string; olderBackups?: OlderBackups },
		AccountStatus & { backups: SealedCopies }
	>;
	'account.changePassphrase': Call<
		{ current: string; next: string },
		AccountStatus & { backups: SealedCopies }
	>;
	/** Removes the passphrase after checking it: the secrets go back to clear text. */
	'account.removePassphrase': Call<{ current: string }, AccountStatus>;
	'account.unlock': Call<{ passphrase: string }, AccountStatus>;
	'account.lock': Call<void, AccountStatus>;
	/** The person did something: postpones the idle lock. */
	'account.activity': Call<void, void>;
	'account.setIdleMinutes': Call<{ minutes: number }, AccountStatus>;
	/** A forgotten passphrase: removes the encrypted secrets (and the passphrase); everything else stays. */
	'account.resetForgotten': Call<{ confirm: 'remove secrets' }, AccountStatus>;
	/** This window, open while the app is unlocked, starts a session of its own. */
	'account.join': Call<void, AccountStatus>;
	/** This window is closing: its session ends (best effort). */
	'account.leave': Call<void, void>;
	/** This window stays locked: its session was ended before it reloaded. */
	'account.lockWindow': Call<void, AccountStatus>;
	/** The sessions, newest first (at most 50), this window's marked. */
	'account.sessions': Call<void, SessionInfo[]>;
	/** Ends another window's session: that window locks until the passphrase is entered there. */
	'account.endSession': Call<{ id: number }, SessionInfo[]>;
	'settings.get': Call<void, AppSettings>;
	'settings.update': Call<Partial<AppSettings>, AppSettings>;
	/** The retention job, on demand: deletes what is past the retention period. */
	'maintenance.rotate': Call<void, { checks: number; rollups: number; notifications: number }>;
	/** Moves the rows rotation would delete into a separate SQLite file (null when there are none). */
	'maintenance.archive': Call<void, ArchiveResult>;
	/** The person has the archive file: delete its rows from the database. */
	'maintenance.archiveConfirm': Call<{ token: string }, ArchiveRemoved>;
	/** The download failed or the person changed their mind: keep the rows, forget the archive. */
	'maintenance.archiveDiscard': Call<{ token: string }, { discarded: boolean }>;
	/** VACUUM, then a strict save of the rewritten file. */
	'maintenance.vacuum': Call<void, VacuumResult>;
	'maintenance.optimize': Call<void, OptimizeResult>;
	/** `PRAGMA integrity_check` and `foreign_key_check` on a copy, in a worker of its own. */
	'maintenance.integrity': Call<void, IntegrityResult>;
	/** The Health section: metrics, levels, query times, tables. */
	'health.report': Call<void, HealthReport>;
	/** Size and query P95 over a range, from the sampled history. */
	'health.history': Call<{ range: HealthRange }, HealthHistory>;
	/** The activity log, newest first, a page at a time (filtered by kind when given). */
	'activity.list': Call<ActivityQuery | void, ActivityPage>;
	/** How many days the log keeps its entries (rotation deletes older ones). */
	'activity.days': Call<void, { days: number }>;
	'activity.setDays': Call<{ days: number }, { days: number }>;
	/** Raises (into warning or critical) whose banner has not been dismissed. */
	'health.alerts': Call<void, HealthAlert[]>;
	'health.dismiss': Call<{ id: number }, { dismissed: boolean }>;
	'health.thresholds': Call<void, Thresholds>;
	/** Stores new thresholds (invalid-input with per-metric `fields`) and evaluates against them. */
	'health.setThresholds': Call<Thresholds, Thresholds>;
	'database.status': Call<void, DatabaseStatus>;
	'database.saveStatus': Call<void, SaveStatus>;
	/**
	 * Resolves once every change committed so far is durable (used before reloading into an update).
	 * `holdChecksMs`: and no scheduled check starts for that long (at most a minute), so no request
	 * reaches the old service worker while the new version takes over.
	 */
	'database.flush': Call<{ holdChecksMs?: number } | void, SaveStatus>;
	/**
	 * "Reset from here": a `before-reset` backup, then `migration` (`003`, `003_checks.sql`) and every
	 * later one undone and applied again, keeping every row; refused with the reason, changing nothing,
	 * when a migration says undoing it destroys data (`migration-reset-refused`).
	 */
	'migrations.reset': Call<{ migration: string }, ResetReport>;
	/** The pending migrations applied to a copy of the database, which is then dropped. */
	'migrations.dryRun': Call<void, DryRunReport>;
	/** Newest first. */
	'backups.list': Call<void, BackupInfo[]>;
	/** "Back up now": a manual backup, kept until deleted. */
	'backups.create': Call<void, BackupInfo>;
	/** Replaces the database with the backup; `safety` is the backup of the state it replaced. */
	'backups.restore': Call<{ id: number }, { restored: BackupInfo; safety: BackupInfo }>;
	'backups.delete': Call<{ id: number }, { deleted: boolean }>;
	/** The backup as a plain SQLite file (decompressed and checked against its SHA-256). */
	'backups.download': Call<{ id: number }, { filename: string; bytes: Uint8Array }>;
	/** The live database as a plain SQLite file, a consistent snapshot; its buffer is transferred. */
	'database.export': Call<void, ExportedFile>;
	/** A configuration-only file: monitors, settings, Telegram bots and chats, no history, no secret. */
	'database.exportConfiguration': Call<void, ExportedFile>;
	/** Records that an export was saved, by its snapshot time (the `last_export_at` setting). */
	'database.exported': Call<{ at: number }, { lastExportAt: number }>;
	/**
	 * Checks a file (transfer its buffer: `callTransfer`) and prepares it on a scratch copy; nothing
	 * live changes. The preview's token names it for `import.commit` or `import.cancel`.
	 */
	'import.inspect': Call<{ bytes: Uint8Array; name: string }, ImportPreview>;
	/**
	 * Backs up the current database, then replaces it with the prepared file. `passphrase`: the file's
	 * own, when its secrets are protected; without it they are left out (marked for re-entry). The file's
	 * running monitors arrive paused; its own Bot API server is dropped unless `keepApiBase`.
	 */
	'import.commit': Call<
		{ token: string; passphrase?: string | null; keepApiBase?: boolean },
		{ safety: BackupInfo; imported: IncomingSummary }
	>;
	'import.cancel': Call<{ token: string }, void>;
	/**
	 * What merging the prepared file into this database would do (nothing changes): monitors new,
	 * matched and skipped, checks each side adds, conflicts. `choices`: who wins where both differ.
	 */
	'import.previewMerge': Call<
		{ token: string; choices?: MergeChoices; passphrase?: string | null },
		MergePreview
	>;
	/**
	 * Backs up the current database, then merges the prepared file into it in one atomic commit:
	 * monitors with the same method and URL are joined (histories without doubled checks), the others
	 * are added paused; settings are this database's unless `choices` says otherwise.
	 */
	'import.merge': Call<
		{ token: string; choices?: MergeChoices; passphrase?: string | null },
		{ safety: BackupInfo; report: MergeReport; merged: IncomingSummary }
	>;
	/** How many monitors the last import paused are still paused. */
	'import.pausedMonitors': Call<void, { monitors: number }>;
	/** Resumes the monitors the last import paused ("Resume all"). */
	'import.resumeMonitors': Call<void, { resumed: number }>;
}

export type Method = keyof DbApi;
export type ArgsOf<M extends Method> = DbApi[M]['args'];
export type ResultOf<M extends Method> = DbApi[M]['result'];

/** Where the database currently is in its life, as the UI needs to know it. */
export type Phase =
	| { phase: 'starting' }
	| { phase: 'migrating'; file: string; index: number; total: number }
	/** `owner`: this window's worker holds the database; `follower`: it forwards to the window that does. */
	| { phase: 'ready'; readOnly: boolean; role: 'owner' | 'follower' }
	/**
	 * Another window owns the database now (it runs a newer build, or took over while this one was frozen,
	 * see tabs/heartbeat.ts): reload to continue.
	 */
	| { phase: 'outdated' }
	| { phase: 'failed'; error: WireError };

/**
 * One monitor's part in a change: rows of it in `monitors`, `monitor_status`, `checks`, `rollups` or
 * `events` were written or deleted. `from`..`to` (epoch ms, inclusive) spans the times those rows are
 * about: a check's `started_at`, a rollup's bucket (start to end), an event's `at`. A change without a
 * time of its own (settings, pause, status) has from = to = when it was made.
 */
export interface MonitorChange {
	id: number;
	from: number;
	to: number;
}

export interface DbEvents {
	/**
	 * Committed and durable changes, by table name. `monitors`, when present, names every monitor whose
	 * rows changed (one entry each, spans merged), so a view rereads only what it shows of those; when it
	 * is absent, any monitor may have changed and views reread what they show.
	 */
	changed: { tables: string[]; monitors?: MonitorChange[] };
	save: SaveStatus;
	phase: Phase;
	/** Long work (a backup, a restore) as it goes; `task: null` when it has finished. */
	progress: TaskProgress;
	/** The owner account's state: whether a passphrase is set and the app is locked. */
	account: AccountStatus;
	/** Background work failed (a job, the Telegram poller or dispatcher): shown once, never replayed. */
	notice: BackgroundNotice;
	/** A browser notification to show (a window answers `notifications.shown`): never replayed. */
	notify: NotificationRequest;
}

export interface NotificationRequest {
	id: string;
	title: string;
	body: string;
	/** The monitor a click opens (null: the app). */
	monitorId: number | null;
	/** One notification per monitor on screen: a newer one replaces it. */
	tag: string;
}

export type EventName = keyof DbEvents;

// The wire. Plain objects only: everything here must survive structured cloning.
export interface CallMessage<M extends Method = Method> {
	kind: 'call';
	id: number;
	method: M;
	args: ArgsOf<M>;
}

export type ReplyMessage =
	| { kind: 'reply'; id: number; ok: true; value: unknown }
	| { kind: 'reply'; id: number; ok: false; error: WireError };

export interface EventMessage<E extends EventName = EventName> {
	kind: 'event';
	event: E;
	payload: DbEvents[E];
}

export type ToWorker = CallMessage;
export type FromWorker = ReplyMessage | EventMessage;
