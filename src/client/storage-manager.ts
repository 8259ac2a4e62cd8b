/**
 * The browser's StorageManager, as the app uses it. `persist()` exists only on the page (not in
 * workers), and should be asked at a moment that means something to the person (their first saved
 * monitor, or a button): Firefox shows a prompt, and Chromium and Safari decide from how the site is used.
 */
export interface StorageFacts {
	/** null when the browser cannot say. */
	persisted: boolean | null;
	usage: number | null;
	quota: number | null;
}

function manager(): StorageManager | null {
	return typeof navigator !== 'undefined' && 'storage' in navigator ? navigator.storage : null;
}

export async function readStorageFacts(): Promise<StorageFacts> {
	const storage = manager();
	const [persisted, estimate] = await Promise.all([
		storage?.persisted ? storage.persisted().catch(() => null) : null,
		storage?.estimate ? storage.estimate().catch(() => null) : null,
	]);
	return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Asks the browser to keep this site's data under storage pressure; resolves to its answer. */
export async function requestPersistence(): Promise<boolean> {
	const storage = manager();
	if (!storage?.persist) return false;
	if (await storage.persisted()) return true;
	return storage.persist();
}

/** True when the app runs as an installed app (its own window) rather than in a browser tab. */
export function runsInstalled(): boolean {
	return (
		matchMedia('(display-mode: standalone)').matches ||
		(navigator as Navigator & { standalone?: boolean }).standalone === true
	);
}

/**
 * Safari (macOS and iOS) deletes a site's script-writable storage, IndexedDB included, after seven days
 * of use without a visit, unless the site runs as an installed (Home Screen or Dock) app.
 */
export function evictsUnusedSiteData(): boolean {
	const ua = navigator.userAgent;
	const safari =
		/Safari\//.test(ua) && !/Chrome\/|Chromium\/|CriOS\/|FxiOS\/|EdgiOS\/|Android/.test(ua);
	return safari && !runsInstalled();
}
