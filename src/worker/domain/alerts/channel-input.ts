/**
 * A channel as the person typed it, checked: each kind's required fields, addresses that are http(s),
 * priorities in range. A refusal names the field, and nothing is stored.
 */
import {
	CHANNEL_KINDS,
	type ChannelConfig,
	type ChannelKind,
	type ChannelSecret,
} from '../../../shared/channels';
import { AppError } from '../../../shared/errors';

export interface CheckedChannel {
	kind: ChannelKind;
	name: string;
	config: ChannelConfig;
	/** Fields typed now; an empty one keeps what is stored. */
	secret: ChannelSecret;
	isDefault: boolean;
	enabled: boolean;
}

const text = (value: unknown, max = 2048): string =>
	typeof value === 'string' ? value.trim().slice(0, max) : '';

const CREDENTIALS =
	'A browser will not send to an address with a user name or password in it (user:pass@): leave them out.';

/** Why `value` is no address to send to, or null: http(s), and no credentials (fetch refuses those). */
function addressProblem(value: string, notHttp: string): string | null {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return notHttp;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return notHttp;
	return url.username || url.password ? CREDENTIALS : null;
}

/** What fetch accepts in a header: Latin-1 without control characters (a line break would add a header). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const NOT_A_HEADER =
	'It goes into a request header: no line breaks, and only Latin letters, digits and punctuation.';

/** `stored`: the secret kept from before (an edit), to tell a missing required field from one left as it is. */
export function checkChannel(raw: unknown, stored: ChannelSecret | null): CheckedChannel {
	const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	const config = (
		typeof input.config === 'object' && input.config !== null ? input.config : {}
	) as Record<string, unknown>;
	const secretIn = (
		typeof input.secret === 'object' && input.secret !== null ? input.secret : {}
	) as Record<string, unknown>;
	const fields: Record<string, string> = {};
	const kind = input.kind as ChannelKind;
	if (!CHANNEL_KINDS.includes(kind))
		throw new AppError('invalid-input', 'Choose a kind of channel.');
	const name = text(input.name, 100);
	if (!name) fields.name = 'Give the channel a name (1–100 characters).';
	const secret: ChannelSecret = {};
	for (const key of ['value', 'token', 'url'] as const) {
		const v = text(secretIn[key]);
		if (v) secret[key] = v;
	}
	const has = (key: keyof ChannelSecret) => Boolean(secret[key] ?? stored?.[key]);
	const address = (field: string, value: string, notHttp: string) => {
		const problem = addressProblem(value, notHttp);
		if (problem) fields[field] = problem;
	};
	const out: ChannelConfig = {};
	switch (kind) {
		case 'webhook': {
			out.url = text(config.url);
			address('url', out.url, 'The webhook URL is an http(s) address.');
			if (secret.value && !HEADER_VALUE.test(secret.value)) fields.value = NOT_A_HEADER;
			const header = text(config.header, 100);
			if (header) {
				if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header))
					fields.header = 'A header name is letters, digits and dashes, like X-Monitor-Secret.';
				out.header = header;
			}
			break;
		}
		case 'ntfy':
		case 'gotify': {
			out.server = text(config.server).replace(/\/+$/, '');
			address('server', out.server, 'The server is an http(s) address, like https://ntfy.sh.');
			const max = kind === 'ntfy' ? 5 : 10;
			if (config.priority !== undefined && config.priority !== null && config.priority !== '') {
				const p = Number(config.priority);
				if (!Number.isInteger(p) || p < (kind === 'ntfy' ? 1 : 0) || p > max)
					fields.priority = `Priority is ${kind === 'ntfy' ? 1 : 0} to ${max}, or empty for one by event.`;
				else out.priority = p;
			}
			if (kind === 'ntfy') {
				out.topic = text(config.topic, 64);
				if (!/^[-_A-Za-z0-9]{1,64}$/.test(out.topic))
					fields.topic = 'A topic is 1–64 letters, digits, dashes or underscores.';
				const tags = Array.isArray(config.tags) ? config.tags : text(config.tags).split(',');
				if (secret.token && !HEADER_VALUE.test(secret.token)) fields.token = NOT_A_HEADER;
				out.tags = tags
					.map((t) => text(t, 50))
					.filter(Boolean)
					.slice(0, 10);
			} else if (!has('token')) fields.token = 'Gotify needs an application token.';
			break;
		}
		case 'discord':
		case 'slack':
			if (secret.url) address('url', secret.url, 'The incoming-webhook URL is an http(s) address.');
			else if (!has('url')) fields.url = 'Paste the incoming-webhook URL.';
			break;
		case 'browser':
			break;
	}
	if (Object.keys(fields).length > 0) throw new AppError('invalid-input', undefined, { fields });
	return {
		kind,
		name,
		config: out,
		secret,
		isDefault: input.isDefault === true,
		enabled: input.enabled !== false,
	};
}
