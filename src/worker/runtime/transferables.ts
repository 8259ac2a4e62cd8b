/** What a message from the worker to its page hands over instead of copying. */
import type { FromWorker } from '../../shared/api';

/**
 * A reply that carries a file (`bytes`: an export, a downloaded backup) hands its buffer to the page
 * instead of copying it. Safe because such bytes are made for the reply and kept by nobody here (or
 * arrived as a copy from the owning window); a view on part of a larger buffer is copied as usual.
 */
export function transferables(message: FromWorker): Transferable[] {
	if (message.kind !== 'reply' || !message.ok) return [];
	const bytes = (message.value as { bytes?: unknown } | null | undefined)?.bytes;
	if (!(bytes instanceof Uint8Array) || !(bytes.buffer instanceof ArrayBuffer)) return [];
	const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
	return whole ? [bytes.buffer] : [];
}
