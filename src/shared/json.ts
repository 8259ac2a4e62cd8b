/** JSON read from storage, where a damaged value must not stop the app. */

/** Parses JSON text; text that is not JSON (a damaged row, an edited file) reads as `fallback`. */
export function parseJson(text: string | null | undefined, fallback: unknown = {}): unknown {
	if (typeof text !== 'string') return fallback;
	try {
		return JSON.parse(text);
	} catch {
		return fallback;
	}
}
