/** Hands bytes to the browser as a file download (an object URL on a temporary link). */
export function downloadFile(
	filename: string,
	bytes: Uint8Array,
	type = 'application/vnd.sqlite3',
): void {
	const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	link.click();
	// The download has started by the time the click returns; the URL is only needed until then.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
