/**
 * The page's side of the service worker (src/sw/pwa.ts generates the worker itself), through
 * workbox-window. Registered from here rather than by a script the PWA plugin injects into index.html,
 * so the page needs no inline script under its Content Security Policy, and so an update activates only
 * when this window asks: other windows keep running until their person reloads them (the database
 * tells them to, see `app-outdated`), instead of being reloaded under an open form.
 */
import { Workbox } from 'workbox-window';

export interface ServiceWorkerEvents {
	/** The app was installed for offline use for the first time in this browser. */
	offlineReady(): void;
	/** A new version is installed and waits for a reload. */
	updateWaiting(): void;
}

export interface ServiceWorkerControl {
	/** Settles once the registration has been made (or failed); events that follow are news. */
	readonly registered: Promise<void>;
	/**
	 * Lets the waiting version take over; resolves once it controls this page, so a reload then loads it.
	 * Resolves at once when no version is waiting (another window activated it already).
	 */
	activateUpdate(): Promise<void>;
}

/** How often an open window asks whether a new version was deployed (the browser also checks on load). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Registers the service worker; null in development and in browsers without service workers. */
export function registerServiceWorker(events: ServiceWorkerEvents): ServiceWorkerControl | null {
	if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return null;
	const base = import.meta.env.BASE_URL;
	const wb = new Workbox(`${base}sw.js`, { scope: base });

	wb.addEventListener('installed', (event) => {
		if (!event.isUpdate && !event.isExternal) events.offlineReady();
	});
	// Fires for a version installed while this page was open (found by this page or by another window)
	// and for one that was already waiting when the page loaded.
	wb.addEventListener('waiting', () => events.updateWaiting());

	const registration = wb.register().then((reg) => {
		if (reg) watchInstalling(reg, events);
		return reg;
	});
	registration.catch((error: unknown) =>
		console.error('Service worker registration failed', error),
	);

	setInterval(() => {
		if (navigator.onLine) void wb.update().catch(() => {});
	}, UPDATE_CHECK_MS);

	return {
		registered: registration.then(
			() => {},
			() => {},
		),
		async activateUpdate() {
			const reg = await registration;
			if (!reg?.waiting) return;
			const controlling = new Promise<void>((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), {
					once: true,
				}),
			);
			wb.messageSkipWaiting();
			await controlling;
		},
	};
}

/**
 * The browser checks for a new version while it loads the page, so an update may already be installing
 * when the page registers: workbox-window, listening from that moment, would miss it. Watch it here.
 */
function watchInstalling(reg: ServiceWorkerRegistration, events: ServiceWorkerEvents): void {
	const installing = reg.installing;
	if (!installing || !navigator.serviceWorker.controller) return;
	installing.addEventListener('statechange', () => {
		if (installing.state === 'installed' && reg.waiting === installing) events.updateWaiting();
	});
}
