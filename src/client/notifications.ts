/**
 * Browser notifications, the window's half (the worker's is runtime/notification-bridge.ts): the owner
 * asks, this window shows the notification through the service worker (so it appears with the app in
 * the background) and answers; a click on one (public/sw-notifications.js) asks this window to open
 * the monitor.
 */
import type { NotificationRequest } from '../shared/api';
import type { DbClient } from './db-client';

async function show(request: NotificationRequest): Promise<void> {
	if (typeof Notification === 'undefined' || Notification.permission !== 'granted')
		throw new Error(
			'This browser does not allow Monitor to show notifications (permission not granted).',
		);
	const registration = await navigator.serviceWorker?.getRegistration();
	if (!registration)
		throw new Error(
			'The app’s service worker is not running here, so it cannot show notifications.',
		);
	await registration.showNotification(request.title, {
		body: request.body,
		tag: request.tag,
		data: { monitorId: request.monitorId },
	});
}

/** Asks the browser for the permission, when the person turns the channel on (never on load). */
export async function askNotificationPermission(): Promise<NotificationPermission> {
	if (typeof Notification === 'undefined') return 'denied';
	return Notification.permission === 'default'
		? Notification.requestPermission()
		: Notification.permission;
}

export function showNotifications(db: DbClient, open: (monitorId: number) => void): void {
	db.on('notify', (request) => {
		show(request)
			.then(
				() => db.call('notifications.shown', { id: request.id, error: null }),
				(error: unknown) =>
					db.call('notifications.shown', {
						id: request.id,
						error: error instanceof Error ? error.message : String(error),
					}),
			)
			.catch(() => undefined);
	});
	navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<unknown>) => {
		const data = event.data as { type?: string; monitorId?: unknown } | null;
		if (data?.type === 'open-monitor' && typeof data.monitorId === 'number') open(data.monitorId);
	});
}
