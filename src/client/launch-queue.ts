/**
 * Files an installed Monitor was opened with: the manifest's `file_handlers` make the app an "Open with"
 * choice for `.db` files (Chromium 102+ on desktop), and `launch_handler: focus-existing` brings them to
 * the window already open. The import feature subscribes here; other browsers simply never call back.
 */

/** The parts of the Launch Handler API used here (not yet in TypeScript's DOM types). */
interface LaunchParams {
	readonly files: readonly FileSystemFileHandle[];
}
interface LaunchQueue {
	setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** Calls `consumer` with the files of each launch that brought any. */
export function onLaunchFiles(consumer: (files: File[]) => void): void {
	const queue = (globalThis as { launchQueue?: LaunchQueue }).launchQueue;
	queue?.setConsumer((params) => {
		if (params.files.length === 0) return;
		void Promise.all(params.files.map((handle) => handle.getFile())).then(consumer);
	});
}
