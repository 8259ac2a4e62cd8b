/**
 * A monitor's request body: sent with POST, PUT and PATCH in full mode, with its content type. Pure data
 * and validation, shared by the form and the worker. A body is a secret like the headers (an API call's
 * payload often holds a key): the worker seals it under a passphrase.
 */

export interface RequestBody {
	contentType: string;
	text: string;
}

export const BODY_METHODS = ['POST', 'PUT', 'PATCH'] as const;
export const BODY_MAX_BYTES = 64 * 1024;
export const CONTENT_TYPES = [
	'application/json',
	'application/x-www-form-urlencoded',
	'text/plain',
	'application/xml',
] as const;
export const DEFAULT_CONTENT_TYPE = 'application/json';

/** A media type with optional parameters, on one line: `application/json; charset=utf-8`. */
const MEDIA_TYPE =
	/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"\r\n]*"|[\w!#$&^.+-]+))*$/;

export function takesBody(method: string): boolean {
	return (BODY_METHODS as readonly string[]).includes(method);
}

/** `application/json`, `application/problem+json; charset=utf-8`, ... */
export function isJsonType(contentType: string): boolean {
	const essence = contentType.split(';')[0]!.trim().toLowerCase();
	return essence === 'application/json' || /^application\/[\w.-]+\+json$/.test(essence);
}

/**
 * Why this body cannot be sent, or null. A JSON body must parse: the message names where it breaks,
 * so a missing quote is found without guessing.
 */
export function bodyProblem(body: RequestBody, method: string, mode: string): string | null {
	if (!body.text) return null;
	if (!takesBody(method)) return `A ${method} request sends no body: use POST, PUT or PATCH.`;
	if (mode === 'reachability')
		return 'Reachability mode sends no body (the browser would drop its content type); use full mode.';
	if (new TextEncoder().encode(body.text).length > BODY_MAX_BYTES)
		return `Keep the body under ${BODY_MAX_BYTES / 1024} KiB.`;
	if (!MEDIA_TYPE.test(body.contentType.trim()))
		return 'The content type is a media type such as application/json or text/plain.';
	if (isJsonType(body.contentType)) {
		try {
			JSON.parse(body.text);
		} catch (error) {
			// V8 appends the text itself (`, "{…}" is not valid JSON`): the field shows it already.
			const why = (error instanceof Error ? error.message : String(error)).replace(
				/, ".*" is not valid JSON$/s,
				'',
			);
			return `The body is not valid JSON (${why}). Fix it, or choose another content type.`;
		}
	}
	return null;
}

/** Reads a body from untrusted data (an RPC argument, a stored object): null when there is none. */
export function readRequestBody(value: unknown): RequestBody | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const v = value as Record<string, unknown>;
	if (typeof v.text !== 'string' || v.text === '') return null;
	return {
		contentType: typeof v.contentType === 'string' ? v.contentType.trim() : DEFAULT_CONTENT_TYPE,
		text: v.text,
	};
}
