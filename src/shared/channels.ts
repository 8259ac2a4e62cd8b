/**
 * Alert channels besides Telegram, as the app sees them: their kinds and settings, what the UI shows of
 * them (never a secret), the webhook payload and the plain-text templates every channel shares.
 */

export const CHANNEL_KINDS = ['webhook', 'ntfy', 'gotify', 'discord', 'slack', 'browser'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
	webhook: 'Webhook',
	ntfy: 'ntfy',
	gotify: 'Gotify',
	discord: 'Discord',
	slack: 'Slack',
	browser: 'Browser notifications',
};

/**
 * Channels whose endpoint does not answer a page (no CORS): the request is sent `no-cors` and its answer
 * cannot be read, so a message through one is "sent, unconfirmed", never "sent".
 */
export const UNCONFIRMED_KINDS: readonly ChannelKind[] = ['discord', 'slack'];

/** What is not secret, per kind (all optional in the type; the worker checks what each kind needs). */
export interface ChannelConfig {
	/** webhook: where to POST. */
	url?: string;
	/** webhook: the name of the optional secret header (its value is the secret). */
	header?: string;
	/** ntfy, gotify: the server, e.g. https://ntfy.sh. */
	server?: string;
	/** ntfy: the topic. */
	topic?: string;
	/** ntfy 1–5, gotify 0–10. */
	priority?: number;
	/** ntfy: tags (emoji short codes or words). */
	tags?: string[];
}

/** What is secret: never sent back to the UI, sealed under a passphrase. */
export interface ChannelSecret {
	/** webhook: the secret header's value. */
	value?: string;
	/** ntfy access token, gotify application token. */
	token?: string;
	/** discord, slack: the incoming-webhook URL (it is the credential). */
	url?: string;
}

export interface Channel {
	id: number;
	kind: ChannelKind;
	name: string;
	config: ChannelConfig;
	/** A secret is stored (its value stays in the worker). */
	hasSecret: boolean;
	/** The secret was lost with a forgotten passphrase (or an import without it): enter it again. */
	needsSecret: boolean;
	isDefault: boolean;
	enabled: boolean;
	createdAt: number;
	updatedAt: number;
}

/** A channel to create (`id` absent) or change; a secret field left out keeps the stored one. */
export interface ChannelInput {
	id?: number;
	kind: ChannelKind;
	name: string;
	config: ChannelConfig;
	secret: ChannelSecret;
	isDefault: boolean;
	enabled: boolean;
}

/**
 * The JSON a webhook receives (the README documents it). `state` and `previousState` are `down`, `up`,
 * `degraded` or null; `event` says what happened (`reminder` while still down, `test` from "Send test").
 */
export interface AlertPayload {
	version: 1;
	event: 'down' | 'up' | 'degraded' | 'reminder' | 'test';
	monitor: { id: number; name: string; url: string } | null;
	state: 'down' | 'up' | 'degraded' | null;
	previousState: 'down' | 'up' | 'degraded' | null;
	/** ISO 8601, UTC. */
	time: string;
	/** What the check saw, e.g. "HTTP 503, expected 200-299". */
	message: string;
	/** How long the monitor was (has been) down, in ms, when that applies. */
	downtimeMs: number | null;
	/** The rendered text, as the other channels send it. */
	text: string;
	/** The monitor's page in the app that sent it. */
	link: string | null;
}

export type ChannelEvent = 'down' | 'up' | 'degraded' | 'reminder';
export const CHANNEL_EVENTS: readonly ChannelEvent[] = ['down', 'up', 'degraded', 'reminder'];

/** One plain-text template per event; the placeholders are Telegram's (TEMPLATE_VARIABLES). */
export const DEFAULT_CHANNEL_TEMPLATES: Record<ChannelEvent, string> = {
	down: '{{emoji}} {{name}} {{summary}}: {{message}}\n{{url}}',
	up: '{{emoji}} {{name}} {{summary}}\n{{url}}',
	degraded: '{{emoji}} {{name}} {{summary}}: {{message}}\n{{url}}',
	reminder: '{{emoji}} {{name}} {{summary}}: {{message}}\n{{url}}',
};

export const CHANNEL_TEMPLATE_MAX = 1000;

export type ChannelTemplates = Record<ChannelEvent, string>;

/** Fills `{{name}}` placeholders; an unknown one is left as written, so a typo shows in the preview. */
export function renderPlain(template: string, values: Record<string, string>): string {
	return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) =>
		Object.hasOwn(values, name) ? values[name]! : whole,
	);
}

/** The title a channel with one (ntfy, Gotify, a notification) shows: the text's first line. */
export function titleOf(text: string): string {
	const first = text.split('\n').find((line) => line.trim()) ?? 'Monitor';
	return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}
