/**
 * Telegram as the app sees it: bots, the chats they are in, per-monitor alert choices, the outbox, and the
 * message templates. Templates use Telegram's HTML parse mode; every value put into one is escaped.
 */

export const DEFAULT_BOT_API = 'https://api.telegram.org';

export type BotStatus = 'ok' | 'revoked' | 'conflict' | 'error';

export interface TelegramBot {
	id: number;
	/** The token with its middle hidden: enough to tell two bots apart, useless to anyone reading it. */
	maskedToken: string;
	/** The token was lost with a forgotten passphrase (or an import without it): add the bot again. */
	needsToken: boolean;
	username: string | null;
	firstName: string | null;
	/** Privacy mode on: in groups the bot sees only commands, mentions and replies (it is still told when added). */
	privacyMode: boolean;
	status: BotStatus;
	statusMessage: string | null;
	addedAt: number;
	checkedAt: number | null;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TelegramChat {
	id: number;
	botId: number;
	chatId: number;
	type: ChatType;
	title: string | null;
	username: string | null;
	firstName: string | null;
	lastName: string | null;
	isForum: boolean;
	memberStatus: string | null;
	firstSeenAt: number;
	lastSeenAt: number;
	isDefault: boolean;
	defaultThreadId: number | null;
	defaultSilent: boolean;
	disabledAt: number | null;
	disabledReason: string | null;
}

export type AlertMode = 'default' | 'chosen' | 'off';

export interface AlertTarget {
	chatRef: number;
	threadId: number | null;
	silent: boolean;
}

export interface MonitorAlerts {
	mode: AlertMode;
	reminderMinutes: number | null;
	chats: AlertTarget[];
	/** The channels chosen (mode 'chosen'); the default ones are each channel's `isDefault`. */
	channels: number[];
	/** When this incident was acknowledged ("I'm on it": no reminders until the next change), or null. */
	acknowledgedAt: number | null;
}

export type OutboxKind = 'down' | 'up' | 'degraded' | 'reminder' | 'test' | 'health';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'unconfirmed' | 'failed' | 'uncertain';

export interface OutboxEntry {
	id: number;
	kind: OutboxKind;
	monitorId: number | null;
	chatRef: number | null;
	/** A channel's message (webhook, ntfy, ...): its channel; `chatTitle` is then the channel's name. */
	channelId: number | null;
	chatTitle: string | null;
	text: string;
	createdAt: number;
	status: OutboxStatus;
	attempts: number;
	sentAt: number | null;
	lastError: string | null;
}

export interface TelegramOverview {
	apiBase: string;
	bots: TelegramBot[];
	chats: TelegramChat[];
	template: string | null;
	/** Messages waiting to be sent (offline, rate-limited, or retrying). */
	pending: number;
}

export function displayName(
	chat: Pick<TelegramChat, 'title' | 'username' | 'firstName' | 'lastName' | 'chatId'>,
): string {
	const person = [chat.firstName, chat.lastName].filter(Boolean).join(' ');
	return chat.title ?? (person || (chat.username ? `@${chat.username}` : String(chat.chatId)));
}

export function maskToken(token: string): string {
	const colon = token.indexOf(':');
	const id = colon > 0 ? token.slice(0, colon) : '';
	const secret = colon > 0 ? token.slice(colon + 1) : token;
	return `${id}:${secret.slice(0, 3)}…${secret.slice(-3)}`;
}

/** The shape BotFather hands out: the bot's numeric id, a colon, and 30-odd URL-safe characters. */
export function isPlausibleToken(token: string): boolean {
	return /^\d{3,20}:[A-Za-z0-9_-]{30,60}$/.test(token.trim());
}

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/** A message in Telegram's HTML as plain text: tags dropped, the entities `escapeHtml` writes undone. */
export function htmlToText(html: string): string {
	return html
		.replace(/<[^>]*>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');
}

/** The variables a template can use, each described for the editor. */
export const TEMPLATE_VARIABLES = {
	emoji: '🔴 down, ✅ up, 🟡 degraded, ⏰ reminder',
	name: 'the monitor’s name',
	summary: '“is down”, “is up again after 5 min”, “is degraded”, “is still down (30 min)”',
	state: 'DOWN, UP or DEGRADED',
	previous: 'the state before this change',
	message: 'what the check saw, e.g. “HTTP 503, expected 200-299”',
	url: 'the URL checked',
	time: 'when it happened',
	downtime: 'how long it was (or has been) down, when that applies',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Record<TemplateVariable, string>;

/** Reads well on a phone: the verdict first, then what was seen, then where and when. */
export const DEFAULT_TEMPLATE =
	'{{emoji}} <b>{{name}}</b> {{summary}}\n{{message}}\n{{url}}\n<i>{{time}}</i>';

const ALLOWED_TAGS = new Set([
	'b',
	'strong',
	'i',
	'em',
	'u',
	'ins',
	's',
	'strike',
	'del',
	'code',
	'pre',
	'a',
	'blockquote',
	'tg-spoiler',
]);

/**
 * Fills a template. Values are escaped; the template's own tags must be ones Telegram's HTML mode knows,
 * or Telegram refuses the message ("can't parse entities").
 */
export function renderTemplate(template: string, values: TemplateValues): string {
	const fill = (line: string) =>
		line.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
			Object.hasOwn(values, name) ? escapeHtml(values[name as TemplateVariable]) : whole,
		);
	return (
		template
			.split('\n')
			// A line made only of values that are empty here (no downtime, say) is dropped, not left blank.
			.flatMap((line) => {
				const filled = fill(line);
				return line.includes('{{') && !filled.replace(/<[^>]*>/g, '').trim() ? [] : [filled];
			})
			.join('\n')
	);
}

/** A sentence saying what is wrong with a custom template, or null when Telegram will accept it. */
export function checkTemplate(template: string): string | null {
	if (!template.trim()) return 'The template is empty.';
	if (template.length > 2000) return 'Keep the template under 2000 characters.';
	const unknown = [...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)]
		.map((m) => m[1]!)
		.filter((name) => !Object.hasOwn(TEMPLATE_VARIABLES, name));
	if (unknown.length) return `Unknown variable: {{${unknown[0]}}}.`;
	const stack: string[] = [];
	for (const match of template.matchAll(/<(\/?)([a-zA-Z-]+)[^>]*>/g)) {
		const tag = match[2]!.toLowerCase();
		if (!ALLOWED_TAGS.has(tag)) return `Telegram does not support the <${tag}> tag.`;
		if (match[1]) {
			if (stack.pop() !== tag) return `The </${tag}> tag closes nothing open.`;
		} else stack.push(tag);
	}
	if (stack.length) return `The <${stack.at(-1)}> tag is never closed.`;
	if (/&(?![a-z]+;|#\d+;)/.test(template.replace(/\{\{\s*\w+\s*\}\}/g, '')))
		return 'Write a literal & as &amp;.';
	return null;
}

export type PreviewNode = string | { tag: PreviewTag; href?: string; children: PreviewNode[] };
export type PreviewTag =
	'strong' | 'em' | 'u' | 's' | 'code' | 'pre' | 'a' | 'blockquote' | 'spoiler';

const PREVIEW_TAGS: Record<string, PreviewTag> = {
	b: 'strong',
	strong: 'strong',
	i: 'em',
	em: 'em',
	u: 'u',
	ins: 'u',
	s: 's',
	strike: 's',
	del: 's',
	code: 'code',
	pre: 'pre',
	a: 'a',
	blockquote: 'blockquote',
	'tg-spoiler': 'spoiler',
};

function decodeEntities(text: string): string {
	return text.replace(/&(lt|gt|amp|quot|#\d+);/g, (_, name: string) =>
		name === 'lt'
			? '<'
			: name === 'gt'
				? '>'
				: name === 'amp'
					? '&'
					: name === 'quot'
						? '"'
						: String.fromCodePoint(Number(name.slice(1))),
	);
}

/**
 * Parses a message in Telegram's HTML mode into a tree the UI renders as elements, so a preview shows the
 * formatting without ever inserting HTML: unknown tags stay text, and only http(s) links keep their href.
 */
export function parseTelegramHtml(text: string): PreviewNode[] {
	const root: PreviewNode[] = [];
	const stack: {
		tag: string;
		node: Extract<PreviewNode, object> | null;
		children: PreviewNode[];
	}[] = [{ tag: '', node: null, children: root }];
	const pattern = /<(\/?)([a-zA-Z-]+)((?:\s+[a-zA-Z-]+="[^"]*")*)\s*>/g;
	let at = 0;
	for (const match of text.matchAll(pattern)) {
		const name = match[2]!.toLowerCase();
		const mapped = PREVIEW_TAGS[name];
		if (!mapped) continue;
		const top = stack.at(-1)!;
		if (match.index > at) top.children.push(decodeEntities(text.slice(at, match.index)));
		at = match.index + match[0].length;
		if (match[1]) {
			if (stack.length > 1 && top.tag === name) stack.pop();
			continue;
		}
		const node: Extract<PreviewNode, object> = { tag: mapped, children: [] };
		if (mapped === 'a') {
			const href = /href="([^"]*)"/.exec(match[3] ?? '')?.[1];
			if (href && /^https?:\/\//i.test(decodeEntities(href))) node.href = decodeEntities(href);
		}
		top.children.push(node);
		stack.push({ tag: name, node, children: node.children });
	}
	if (at < text.length) stack.at(-1)!.children.push(decodeEntities(text.slice(at)));
	return root;
}
