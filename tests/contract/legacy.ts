/** What builds before the 64-bit chunk hash stored, for the tests that prove this build still reads it. */
import { legacyHash32 } from '../../src/worker/core/persistence/chunk-hash';
import { chunkRange, LEGACY_FORMAT, type Manifest } from '../../src/worker/core/persistence/chunks';

/** `manifest` as an earlier build would have stored it for `image`: format 1, 32-bit FNV hashes. */
export function legacyManifest(manifest: Manifest, image: Uint8Array): Manifest {
	return {
		...manifest,
		format: LEGACY_FORMAT,
		hashes: Array.from({ length: manifest.chunkCount }, (_, i) => {
			const [start, end] = chunkRange(i, manifest.byteLength, manifest.chunkSize);
			return BigInt(legacyHash32(image.subarray(start, end)));
		}),
	};
}
