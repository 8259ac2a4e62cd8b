/**
 * A short-lived worker that checks one file a person wants to import (see untrusted.ts) and exits: the
 * bytes come back with the verdict, so the owner never keeps a copy while it waits.
 */
import { toWireError } from '../../../shared/errors';
import { bundledMigrations } from '../migrations/bundled';
import { loadSqlJs } from '../sqljs';
import { checkUntrustedImage, type UntrustedCheckOptions } from './untrusted';

interface Scope {
	postMessage(message: unknown, transfer?: Transferable[]): void;
	onmessage:
		((event: MessageEvent<{ image: Uint8Array; options: UntrustedCheckOptions }>) => void) | null;
}

const scope = self as unknown as Scope;

scope.onmessage = (event) => {
	const { image, options } = event.data;
	Promise.all([loadSqlJs(), bundledMigrations()])
		.then(([SQL, files]) => {
			const result = checkUntrustedImage(SQL, image, files, options);
			scope.postMessage({ ok: true, result }, [result.image.buffer]);
		})
		.catch((error: unknown) => scope.postMessage({ ok: false, error: toWireError(error) }));
};
