/** A short-lived worker that checks one copy of the database file (see integrity.ts) and exits. */
import { checkImage } from './integrity';
import { loadSqlJs } from '../sqljs';

interface Scope {
	postMessage(message: unknown): void;
	onmessage: ((event: MessageEvent<{ image: Uint8Array }>) => void) | null;
}

const scope = self as unknown as Scope;

scope.onmessage = (event) => {
	loadSqlJs()
		.then((SQL) => scope.postMessage({ ok: true, result: checkImage(SQL, event.data.image) }))
		.catch((error: unknown) =>
			scope.postMessage({
				ok: false,
				error: error instanceof Error ? error.message : String(error),
			}),
		);
};
