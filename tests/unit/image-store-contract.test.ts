import { describe, it } from 'vitest';
import { MemoryImageStore } from '../../src/worker/core/persistence/memory-store';
import { imageStoreContract } from '../contract/image-store';

describe('image store contract: memory', () => {
	for (const [name, run] of Object.entries(imageStoreContract)) {
		// Some cases save hundreds of images: give them room on a loaded machine (no timed assertion).
		it(name, () => run(() => Promise.resolve(new MemoryImageStore())), 60_000);
	}
});
