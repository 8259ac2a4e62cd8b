import { describe, expect, it } from 'vitest';
import { AUTOMATIC_BACKUPS_KEPT, type BackupInfo } from '../../src/shared/backups';
import {
	describeEngine,
	loadBackup,
	saveBackup,
	type BackupSubject,
} from '../../src/worker/core/backups/backups';
import { BACKUP_CHUNK_SIZE, decode, encode, split } from '../../src/worker/core/backups/codec';
import { MemoryBackupStore } from '../../src/worker/core/backups/memory-backup-store';
import { beyondRetention } from '../../src/worker/core/backups/store';
import { migrate } from '../../src/worker/core/migrations/runner';
import { newEngine, realMigrations, sha256 } from './helpers';

/** A real database of a few hundred KiB: monitors plus check-like rows. */
async function sampleImage(monitors = 20, checksPerMonitor = 300): Promise<Uint8Array> {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	engine.transaction(() => {
		for (let m = 1; m <= monitors; m++) {
			engine.run(
				`INSERT INTO monitors (name, url, interval_s, timeout_ms, created_at, updated_at)
				 VALUES (?, ?, 60, 5000, 1, 1)`,
				[`Monitor ${m}`, `http://127.0.0.2:9/${m}`],
			);
			for (let c = 0; c < checksPerMonitor; c++) {
				const at = 1_700_000_000_000 + c * 60_000;
				engine.run(
					`INSERT INTO checks (monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
					 VALUES (?, ?, ?, ?, 'up', 200, 'HTTP 200', 'full')`,
					[m, at, at, 40 + ((c * 7919) % 300)],
				);
			}
		}
	});
	const image = engine.db.export();
	engine.db.close();
	return image;
}

function subject(image: Uint8Array): BackupSubject {
	return { image, schemaVersion: 7, monitorCount: 20 };
}

describe('backup codec', () => {
	it('round-trips a database through gzip and keeps every chunk below 64 KiB', async () => {
		const image = await sampleImage();
		const encoded = await encode(image);
		expect(encoded.compression).toBe('gzip');
		expect(encoded.bytes.length).toBeLessThan(image.length / 2);
		const chunks = split(encoded.bytes);
		expect(chunks.every((c) => c.length <= BACKUP_CHUNK_SIZE)).toBe(true);
		expect(BACKUP_CHUNK_SIZE).toBeLessThan(64 * 1024);
		const decoded = await decode(encoded.bytes, 'gzip');
		expect(sha256(decoded)).toBe(sha256(image));
	});

	it('stores a file that does not shrink as it is', async () => {
		const random = new Uint8Array(200_000);
		for (let i = 0; i < random.length; i += 65_536) {
			crypto.getRandomValues(random.subarray(i, i + 65_536));
		}
		const encoded = await encode(random);
		expect(encoded.compression).toBe('none');
		expect(sha256(await decode(encoded.bytes, 'none'))).toBe(sha256(random));
	});

	it('rejects damaged gzip data instead of returning garbage', async () => {
		const encoded = await encode(await sampleImage(2, 10));
		const damaged = encoded.bytes.slice(0, encoded.bytes.length - 20);
		await expect(decode(damaged, 'gzip')).rejects.toBeDefined();
	});
});

describe('backup store and retention', () => {
	it('saves and loads a backup byte for byte, with what it records', async () => {
		const store = new MemoryBackupStore();
		const image = await sampleImage();
		const info = await saveBackup(store, subject(image), 'before-migration', '002_x.sql', {
			now: () => 1234,
		});
		expect(info).toMatchObject({
			id: 1,
			createdAt: 1234,
			reason: 'before-migration',
			detail: '002_x.sql',
			sizeBytes: image.length,
			schemaVersion: 7,
			monitorCount: 20,
			sha256: sha256(image),
			compression: 'gzip',
		});
		expect(info.storedBytes).toBeLessThan(info.sizeBytes);
		const loaded = await loadBackup(store, info.id);
		expect(sha256(loaded.image)).toBe(sha256(image));
		expect(await store.list()).toEqual([info]);
	});

	it('refuses a damaged backup with backup-corrupt and a missing one with backup-not-found', async () => {
		const store = new MemoryBackupStore();
		const info = await saveBackup(store, subject(await sampleImage()), 'manual', null);
		store.corrupt(info.id);
		await expect(loadBackup(store, info.id)).rejects.toMatchObject({ code: 'backup-corrupt' });
		await expect(loadBackup(store, 99)).rejects.toMatchObject({ code: 'backup-not-found' });
		await expect(loadBackup(store, -1)).rejects.toMatchObject({ code: 'invalid-input' });
	});

	it('keeps the last 10 automatic backups and every manual one', async () => {
		const store = new MemoryBackupStore();
		const image = await sampleImage(1, 1);
		const manual1 = await saveBackup(store, subject(image), 'manual', null);
		const automatic: BackupInfo[] = [];
		for (let i = 0; i < 12; i++) {
			automatic.push(await saveBackup(store, subject(image), 'before-restore', `#${i}`));
			if (i === 5) await saveBackup(store, subject(image), 'manual', null);
		}
		const kept = await store.list();
		const keptAutomatic = kept.filter((b) => b.reason !== 'manual');
		expect(keptAutomatic.map((b) => b.id)).toEqual(
			automatic
				.slice(-AUTOMATIC_BACKUPS_KEPT)
				.map((b) => b.id)
				.reverse(),
		);
		expect(kept.filter((b) => b.reason === 'manual')).toHaveLength(2);
		expect(kept.some((b) => b.id === manual1.id)).toBe(true);
		// Ids are never reused, even after the retention rule deleted the oldest.
		const next = await saveBackup(store, subject(image), 'manual', null);
		expect(next.id).toBeGreaterThan(Math.max(...kept.map((b) => b.id)));
	});

	it('retention picks the oldest automatic backups only', () => {
		const info = (id: number, reason: BackupInfo['reason']) => ({ id, reason }) as BackupInfo;
		const list = [
			info(1, 'manual'),
			info(2, 'before-import'),
			info(3, 'before-reset'),
			info(4, 'manual'),
		];
		expect(beyondRetention(list, 1)).toEqual([2]);
		expect(beyondRetention(list, 0)).toEqual([3, 2]);
		expect(beyondRetention(list, 10)).toEqual([]);
	});

	it('turns a failing store into backup-failed and a full one into quota-exceeded', async () => {
		const store = new MemoryBackupStore();
		store.failNext = [
			new Error('disk on fire'),
			Object.assign(new Error('full'), { name: 'QuotaExceededError' }),
		];
		const image = await sampleImage(1, 1);
		await expect(saveBackup(store, subject(image), 'manual', null)).rejects.toMatchObject({
			code: 'backup-failed',
		});
		await expect(saveBackup(store, subject(image), 'manual', null)).rejects.toMatchObject({
			code: 'quota-exceeded',
		});
		expect(await store.list()).toEqual([]);
	});

	it('describes a database by schema version and monitor count, and an empty one as 0 and 0', async () => {
		const engine = await newEngine(await sampleImage(3, 1));
		const latest = (await realMigrations()).length;
		expect(describeEngine(engine)).toEqual({ schemaVersion: latest, monitorCount: 3 });
		expect(describeEngine(await newEngine())).toEqual({ schemaVersion: 0, monitorCount: 0 });
	});
});
