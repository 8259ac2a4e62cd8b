/**
 * Files in and out of the page. Saving uses the File System Access save picker where the browser has
 * one (Chromium) and a download elsewhere, through `browser-fs-access`. Reading streams the file into
 * one buffer of its exact size, so it can be handed to the worker whole (transferred, not copied) and
 * the page reports how far it got.
 */
import { fileSave, supported } from 'browser-fs-access';
import { AppError } from '../shared/errors';
import { DATABASE_EXTENSIONS, DATABASE_MIME, sizeRefusal } from '../shared/transfer';

/** Whether saving asks where to put the file (true) or downloads it (false). */
export const savePickerSupported: boolean = supported;

/**
 * Refuses, from its size alone, a file the worker would refuse anyway, before a byte of it is read:
 * reading several gigabytes only to say "too large" would freeze the tab.
 */
export function checkImportSize(size: number): void {
	const refusal = sizeRefusal(size);
	if (refusal) throw refusal;
}

/**
 * The whole file in a buffer of its own; `onProgress` gets the share read so far (0 to 1). Stops, with
 * an AbortError, as soon as `cancelled()` says so (the person closed the dialog).
 */
export async function readWholeFile(
	file: File,
	onProgress: (fraction: number) => void,
	cancelled: () => boolean = () => false,
): Promise<Uint8Array<ArrayBuffer>> {
	const bytes = new Uint8Array(file.size);
	let offset = 0;
	try {
		const reader = file.stream().getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (cancelled()) {
				await reader.cancel();
				throw new DOMException('The import was cancelled.', 'AbortError');
			}
			// A file that grew while being read is not the file that was chosen.
			if (offset + value.length > bytes.length) throw new Error('The file changed while reading.');
			bytes.set(value, offset);
			offset += value.length;
			onProgress(offset / bytes.length);
		}
	} catch (error) {
		if (error instanceof DOMException && error.name === 'AbortError') throw error;
		throw new AppError('import-unreadable', undefined, { cause: String(error) });
	}
	if (offset !== bytes.length) {
		throw new AppError('import-unreadable', undefined, { read: offset, size: bytes.length });
	}
	return bytes;
}

/**
 * Saves a database file. The bytes may still be on their way: the picker opens at once, while the
 * click that asked for it still counts as a user gesture (browsers require one for the picker).
 * Resolves once written (or the download started); rejects with an AbortError if the person cancels.
 */
export async function saveDatabaseFile(
	filename: string,
	bytes: Promise<Uint8Array>,
): Promise<'saved' | 'downloaded'> {
	const blob = bytes.then((b) => new Blob([b as Uint8Array<ArrayBuffer>], { type: DATABASE_MIME }));
	// Cancelling the picker ends `fileSave` before the bytes arrive: a later failure is then nobody's news.
	blob.catch(() => {});
	try {
		await fileSave(blob, {
			fileName: filename,
			extensions: ['.db'],
			mimeTypes: [DATABASE_MIME],
			description: 'Monitor database',
			id: 'monitor-db',
		});
	} catch (error) {
		if (error instanceof DOMException && error.name === 'AbortError') throw error;
		if (error instanceof AppError) throw error;
		throw new AppError('export-failed', undefined, { cause: String(error) });
	}
	return savePickerSupported ? 'saved' : 'downloaded';
}

/** What the open picker offers (any file can still be chosen). */
export const OPEN_ACCEPT = [...DATABASE_EXTENSIONS, DATABASE_MIME].join(',');

const TEXT_TYPES = {
	'text/csv': { extension: '.csv', description: 'CSV file' },
	'application/json': { extension: '.json', description: 'JSON file' },
	'text/html': { extension: '.html', description: 'Web page' },
	'image/svg+xml': { extension: '.svg', description: 'SVG image' },
} as const;

/** Saves a text file (the activity log as CSV or JSON, a status page) the way database files are saved. */
export async function saveTextFile(
	filename: string,
	text: Promise<string>,
	type: keyof typeof TEXT_TYPES,
	id = 'monitor-activity',
): Promise<'saved' | 'downloaded'> {
	const blob = text.then((t) => new Blob([t], { type }));
	blob.catch(() => {});
	await fileSave(blob, {
		fileName: filename,
		extensions: [TEXT_TYPES[type].extension],
		mimeTypes: [type],
		description: TEXT_TYPES[type].description,
		id,
	});
	return savePickerSupported ? 'saved' : 'downloaded';
}
