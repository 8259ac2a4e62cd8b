/**
 * What a channel may hold, checked when it is saved rather than when an alert is due: a value that goes
 * into a request header and an address that fetch refuses to send to would otherwise be stored, then
 * fail every delivery as "could not be reached (... CORS)" and be retried for ever.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { migrate } from '../../src/worker/core/migrations/runner';
import { prepareChannel, storeChannel } from '../../src/worker/domain/alerts/service';
import { removeMonitorSecret } from '../../src/worker/stores/secrets';
import { newEngine, realMigrations } from './helpers';

async function db() {
	const engine = await newEngine();
	migrate(engine, await realMigrations());
	return engine;
}

async function fieldsOf(promise: Promise<unknown>): Promise<Record<string, string>> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(AppError);
	return ((error as AppError).detail?.fields ?? {}) as Record<string, string>;
}

describe('channel input', () => {
	it('refuses header values fetch cannot send (a line break, a character beyond Latin-1), storing nothing', async () => {
		const e = await db();
		const before = e.db.export();
		const webhook = (value: string) =>
			prepareChannel(e, {
				kind: 'webhook',
				name: 'Hook',
				config: { url: 'http://127.0.0.1:9/hook', header: 'X-Monitor-Secret' },
				secret: { value },
			});
		expect(await fieldsOf(webhook('abc\r\nX-Other: 1'))).toEqual({ value: expect.any(String) });
		expect(await fieldsOf(webhook('ключ'))).toEqual({ value: expect.any(String) });
		const ntfy = prepareChannel(e, {
			kind: 'ntfy',
			name: 'Phone',
			config: { server: 'http://127.0.0.1:9', topic: 'alerts' },
			secret: { token: 'tk_\nabc' },
		});
		expect(await fieldsOf(ntfy)).toEqual({ token: expect.any(String) });
		expect(e.db.export()).toEqual(before);
		// Ordinary values still pass.
		await expect(webhook('s3cret-Ünïcode-free_~!')).resolves.toMatchObject({
			checked: { kind: 'webhook' },
		});
	});

	it('refuses addresses with a user name or password, which fetch will not send to', async () => {
		const e = await db();
		const before = e.db.export();
		expect(
			await fieldsOf(
				prepareChannel(e, {
					kind: 'webhook',
					name: 'Hook',
					config: { url: 'https://user:pass@127.0.0.1:9/hook' },
				}),
			),
		).toEqual({ url: expect.any(String) });
		expect(
			await fieldsOf(
				prepareChannel(e, {
					kind: 'gotify',
					name: 'Gotify',
					config: { server: 'http://admin@127.0.0.1:9' },
					secret: { token: 'A1' },
				}),
			),
		).toEqual({ server: expect.any(String) });
		expect(
			await fieldsOf(
				prepareChannel(e, {
					kind: 'discord',
					name: 'Discord',
					secret: { url: 'https://a:b@127.0.0.1:9/api/webhooks/1/x' },
				}),
			),
		).toEqual({ url: expect.any(String) });
		expect(e.db.export()).toEqual(before);
	});
});

describe('a channel marked for re-entry', () => {
	it('stays marked (and undelivered) when edited without its secret, until one is typed', async () => {
		const e = await db();
		const save = async (input: Record<string, unknown>) =>
			storeChannel(e, await prepareChannel(e, { enabled: true, ...input }), 1);
		const ntfy = await save({
			kind: 'ntfy',
			name: 'Phone',
			config: { server: 'http://127.0.0.1:9', topic: 'alerts' },
			secret: { token: 'tk_abc' },
		});
		const hook = await save({
			kind: 'webhook',
			name: 'Hook',
			config: { url: 'http://127.0.0.1:9/hook', header: 'X-Monitor-Secret' },
			secret: { value: 's3cret' },
		});
		// As a configuration file or a forgotten passphrase leaves them.
		for (const id of [ntfy.id, hook.id]) removeMonitorSecret(e, id, 'channel');

		const renamed = await save({ ...ntfy, name: 'My phone', secret: {} });
		expect(renamed).toMatchObject({ name: 'My phone', needsSecret: true, hasSecret: false });
		expect((await save({ ...hook, enabled: false, secret: {} })).needsSecret).toBe(true);

		expect((await save({ ...renamed, secret: { token: 'tk_new' } })).needsSecret).toBe(false);
		// A webhook without a secret header has nothing to enter.
		const plain = await save({ ...hook, config: { url: hook.config.url }, secret: {} });
		expect(plain.needsSecret).toBe(false);
	});
});
