// Imported by the generated service worker (src/sw/pwa.ts): a click on an alert's notification opens
// its monitor, in a window of the app that is open (asked by message) or in a new one.
/* global clients */
self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const monitorId = event.notification.data && event.notification.data.monitorId;
	const url = new URL(
		typeof monitorId === 'number' ? `./#/monitors/${monitorId}` : './',
		self.registration.scope,
	).href;
	event.waitUntil(
		clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
			const open = windows[0];
			if (!open) return clients.openWindow(url);
			if (typeof monitorId === 'number') open.postMessage({ type: 'open-monitor', monitorId });
			// Focusing needs the click's user activation: an untrusted event cannot, which is fine.
			return open.focus().catch(() => undefined);
		}),
	);
});
