/**
 * One request per channel kind, as a page may make it. Webhooks, ntfy and Gotify answer CORS, so their
 * answer is read and a refusal is explained; Discord and Slack incoming webhooks do not, so they get a
 * "simple" no-cors request (form fields, no custom header) whose answer is opaque: "unconfirmed".
 * A request that times out may have arrived (never sent again); one that fails at once is retried.
 */
import {
	titleOf,
	type AlertPayload,
	type ChannelConfig,
	type ChannelKind,
	type ChannelSecret,
} from '../../../shared/channels';
import { clampRetryAfter, DeliveryFailure, type Delivered } from './delivery';

export interface ChannelMessage {
	text: string;
	payload: AlertPayload | null;
	/** The monitor's state the alert is about, for a priority (ntfy, Gotify). */
	event: string;
}

export interface Sendable {
	kind: ChannelKind;
	name: string;
	config: ChannelConfig;
	secret: ChannelSecret;
}

/** Shows a browser notification through the service worker (the page does it; see runtime). */
export type Notify = (n: {
	title: string;
	body: string;
	monitorId: number | null;
	tag: string;
}) => Promise<void>;

export interface SendEnv {
	fetch: typeof fetch;
	notify?: Notify;
}

const TIMEOUT_MS = 15_000;

async function request(
	env: SendEnv,
	channel: Sendable,
	url: string,
	init: RequestInit,
): Promise<Response> {
	try {
		return await env.fetch(url, {
			...init,
			credentials: 'omit',
			cache: 'no-store',
			signal: AbortSignal.timeout(TIMEOUT_MS),
		});
	} catch (error) {
		const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
		throw new DeliveryFailure(
			'transient',
			timedOut
				? `${channel.name} did not answer within ${TIMEOUT_MS / 1000} s.`
				: `${channel.name} could not be reached (offline, the server is down, or it does not allow requests from this app: CORS).`,
			null,
			timedOut,
		);
	}
}

/** An answer read (CORS): 2xx sent; 429 waits; 5xx retried; anything else refused, with what it said. */
async function verdict(channel: Sendable, response: Response): Promise<Delivered> {
	if (response.ok) return { status: 'sent' };
	const said = (await response.text().catch(() => '')).slice(0, 200).trim();
	const message = `${channel.name} answered HTTP ${response.status}${said ? `: ${said}` : ''}`;
	if (response.status === 429)
		throw new DeliveryFailure(
			'rate-limited',
			message,
			clampRetryAfter(Number(response.headers.get('Retry-After'))),
		);
	if (response.status >= 500) throw new DeliveryFailure('transient', message);
	throw new DeliveryFailure('refused', message);
}

function need(value: string | undefined, what: string): string {
	if (!value) throw new DeliveryFailure('refused', `This channel has no ${what}: edit it.`);
	return value;
}

const NTFY_PRIORITY: Record<string, number> = { down: 4, reminder: 4, degraded: 3, up: 3, test: 3 };

export async function sendTo(
	env: SendEnv,
	channel: Sendable,
	message: ChannelMessage,
): Promise<Delivered> {
	const { config, secret } = channel;
	switch (channel.kind) {
		case 'webhook': {
			const headers: Record<string, string> = { 'Content-Type': 'application/json' };
			if (config.header && secret.value) headers[config.header] = secret.value;
			const response = await request(env, channel, need(config.url, 'URL'), {
				method: 'POST',
				mode: 'cors',
				headers,
				body: JSON.stringify(message.payload ?? { text: message.text }),
			});
			return verdict(channel, response);
		}
		case 'ntfy': {
			// JSON published to the server's root; text/plain keeps it a simple request without a token.
			const body = {
				topic: need(config.topic, 'topic'),
				title: titleOf(message.text),
				message: message.text,
				priority: config.priority ?? NTFY_PRIORITY[message.event] ?? 3,
				tags: config.tags ?? [],
				click: message.payload?.link ?? undefined,
			};
			const headers: Record<string, string> = {};
			if (secret.token) headers.Authorization = `Bearer ${secret.token}`;
			const base = need(config.server, 'server').replace(/\/+$/, '');
			const response = await request(env, channel, `${base}/`, {
				method: 'POST',
				mode: 'cors',
				headers,
				body: JSON.stringify(body),
			});
			return verdict(channel, response);
		}
		case 'gotify': {
			// Form fields and the token in the query: a simple request, no preflight.
			const base = need(config.server, 'server').replace(/\/+$/, '');
			const url = `${base}/message?token=${encodeURIComponent(need(secret.token, 'application token'))}`;
			const form = new URLSearchParams({
				title: titleOf(message.text),
				message: message.text,
				priority: String(config.priority ?? (message.event === 'up' ? 4 : 8)),
			});
			return verdict(
				channel,
				await request(env, channel, url, { method: 'POST', mode: 'cors', body: form }),
			);
		}
		case 'discord': {
			const form = new FormData();
			form.set('content', message.text.slice(0, 2000));
			await request(env, channel, need(secret.url, 'webhook URL'), {
				method: 'POST',
				mode: 'no-cors',
				body: form,
			});
			return { status: 'unconfirmed' };
		}
		case 'slack': {
			const form = new URLSearchParams({ payload: JSON.stringify({ text: message.text }) });
			await request(env, channel, need(secret.url, 'webhook URL'), {
				method: 'POST',
				mode: 'no-cors',
				body: form,
			});
			return { status: 'unconfirmed' };
		}
		case 'browser': {
			if (!env.notify)
				throw new DeliveryFailure('transient', 'No window of the app can show notifications now.');
			await env.notify({
				title: titleOf(message.text),
				body: message.text.split('\n').slice(1).join('\n'),
				monitorId: message.payload?.monitor?.id ?? null,
				tag: `monitor-${message.payload?.monitor?.id ?? 'test'}`,
			});
			return { status: 'sent' };
		}
	}
}
