import { expect, test, type Page } from '@playwright/test';
import { HARNESS_URL } from '../../playwright.config';

/** Runs one of the harness page's scenarios (tests/harness/main.ts) and returns what it reports. */
function scenario<T = unknown>(page: Page, name: string): Promise<T> {
	return page.evaluate(
		(n) =>
			(globalThis as unknown as { harness: Record<string, () => Promise<unknown>> }).harness[n]!(),
		name,
	) as Promise<T>;
}

test.beforeEach(async ({ page }) => {
	await page.goto(HARNESS_URL);
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
});

test('the persistence contract holds for IndexedDB in Chromium', async ({ page }) => {
	const results = await scenario<Record<string, string>>(page, 'runContract');
	expect(Object.keys(results).length).toBeGreaterThanOrEqual(5);
	for (const [name, outcome] of Object.entries(results)) expect(outcome, name).toBe('ok');
});

test('a writer with a stale generation (another owner has claimed storage since) is refused', async ({
	page,
}) => {
	const outcome = await scenario(page, 'staleWriter');
	expect(outcome).toEqual({
		refused: 'stale-writer',
		stored: ['written by the old owner', 'written by the new owner'],
	});
});

test('a lease claimed by an earlier build, which kept no generation in it, still fences and still counts', async ({
	page,
}) => {
	const outcome = await scenario(page, 'olderBuildLease');
	expect(outcome).toEqual({
		afterOlderClaim: 'stale-writer',
		unchanged: true,
		unclaimedAtWrongGeneration: 'stale-writer',
		unclaimedAtRightGeneration: 'saved',
		restored: true,
	});
});

test('the manifest split into segments reads back in another store, and one an earlier build stored whole (32-bit hashes) is still read and rehashed', async ({
	page,
}) => {
	const outcome = await scenario(page, 'splitManifest');
	expect(outcome).toEqual({
		missingSegment: ['storage-corrupt', 'storage-corrupt'],
		first: { segments: [0, 1, 2, 3], readElsewhere: true },
		edited: true,
		shrunk: { segments: [], readElsewhere: true },
		olderRead: true,
		afterOlder: { segments: [0, 1], rootHasLists: false, rootFormat: 3, readElsewhere: true },
	});
});

test("a root carrying a block log reads back in another store, takes a next owner's saves and checkpoints", async ({
	page,
}) => {
	const outcome = await scenario(page, 'blockLog');
	const expected = (logged: number[], chunksWritten: number) => ({
		logged: { chunksWritten: 0, rootFormat: 3, earlierBuildsReadIt: false, readElsewhere: true },
		nextOwner: { loaded: true, logged },
		afterNextOwner: true,
		checkpoint: { chunksWritten, rootFormat: 3, chunkRecords: true, readElsewhere: true },
	});
	// At the checkpoint, blocks 0, 3, 7 and the last are logged: three 16 KiB chunks, four 4 KiB ones.
	expect(outcome).toEqual({ whole: expected([0, 7, 159], 3), split: expected([0, 7, 599], 4) });
});
