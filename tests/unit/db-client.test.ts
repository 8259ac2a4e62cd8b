/** The page's client: a background notice is news, told to the listeners there are, never replayed. */
import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../../src/shared/api';
import { DbClient, type Endpoint } from '../../src/client/db-client';

function fakeWorker() {
	let deliver: (message: FromWorker) => void = () => {};
	const endpoint: Endpoint = {
		postMessage: () => {},
		addEventListener: ((type: string, listener: (event: MessageEvent<FromWorker>) => void) => {
			if (type === 'message') deliver = (data) => listener({ data } as MessageEvent<FromWorker>);
		}) as Endpoint['addEventListener'],
	};
	return { endpoint, send: (message: FromWorker) => deliver(message) };
}

describe('db client events', () => {
	it('tells a background notice to its listeners once, and not again to a later one', () => {
		const worker = fakeWorker();
		const client = new DbClient(worker.endpoint);
		const early: unknown[] = [];
		client.on('notice', (n) => early.push(n));
		const notice = {
			what: 'Rotating history failed',
			code: 'background-failed',
			message: 'x',
		} as const;
		worker.send({ kind: 'event', event: 'notice', payload: notice });
		const late: unknown[] = [];
		client.on('notice', (n) => late.push(n));
		expect(early).toEqual([notice]);
		expect(late).toEqual([]);
	});
});
