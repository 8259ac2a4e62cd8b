/** The app's state, wired once to the database connection. Components import from here. */
import { getDb } from '../client/db-client';
import { ActivityState } from './activity.svelte';
import { BackupsState } from './backups.svelte';
import { AppUpdates } from './app-updates.svelte';
import { BackupReminderState } from './backup-reminder.svelte';
import { AccountState } from './account.svelte';
import { Connection } from './connection.svelte';
import { DatabaseState } from './database.svelte';
import { HealthState } from './health.svelte';
import { MigrationsState } from './migrations.svelte';
import { MonitorAlertsState } from './monitor-alerts.svelte';
import { FileTransferState } from './file-transfer.svelte';
import { MonitorDetailState } from './monitor-detail.svelte';
import { MonitorsState } from './monitors.svelte';
import { SettingsState } from './settings.svelte';
import { ListViewState } from './list-view.svelte';
import { TagsState } from './tags.svelte';
import { MaintenanceWindowsState } from './maintenance-windows.svelte';
import { Publisher } from './publish';
import { TelegramState } from './telegram.svelte';
import { ChannelsState } from './channels.svelte';
import { StorageState } from './storage.svelte';
import { reportBackground, reportUnhandled } from './notices.svelte';
import { guardLeaving } from './leaving';
import { router } from './router.svelte';
import { showNotifications } from '../client/notifications';

const db = getDb();

export const connection = new Connection(db);
export const account = new AccountState(db);
export const monitors = new MonitorsState(db);
export const tags = new TagsState(db);
export const maintenanceWindows = new MaintenanceWindowsState(db);
export const listView = new ListViewState(db);
export const publisher = new Publisher(db);
export const database = new DatabaseState(db);
export const monitorDetail = new MonitorDetailState(db);
export const settings = new SettingsState(db);
export const telegram = new TelegramState(db);
export const monitorAlerts = new MonitorAlertsState(db);
export const channels = new ChannelsState(db);
export const backups = new BackupsState(db);
export const migrations = new MigrationsState(db, backups);
export const activity = new ActivityState(db);
export const health = new HealthState(db);
export const storage = new StorageState();
export const backupReminder = new BackupReminderState(database, monitors);
export const updates = new AppUpdates(db, undefined, connection);
export const fileTransfer = new FileTransferState(db, backups, account);

db.on('notice', reportBackground);
showNotifications(db, (monitorId) => router.go('monitors', monitorId));
addEventListener('unhandledrejection', reportUnhandled);
guardLeaving(db, () => connection.save);

// Whatever was read while the app was locked was refused; read it again once it opens.
let wasLocked = false;
db.on('account', (status) => {
	const locked = status.hasPassphrase && status.locked;
	if (wasLocked && !locked) {
		void monitors.load();
		void database.refresh();
	}
	wasLocked = locked;
});

/** A handle for people who want to script their own data from the console (and for end-to-end tests). */
export const debugHandle = { db, updates };
