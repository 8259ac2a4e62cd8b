-- Telegram: bots (a token each), the chats they were seen in, which chats each monitor alerts, and the
-- outbox: an alert is written in the same transaction as the state change that causes it, then delivered
-- by the window that owns the database, once. Times are epoch ms.

CREATE TABLE telegram_bots (
	id INTEGER PRIMARY KEY,
	-- A secret: never logged, masked in the UI, and the export warns that the file holds it.
	token TEXT NOT NULL UNIQUE CHECK (length(token) BETWEEN 1 AND 200),
	bot_user_id INTEGER,
	username TEXT,
	first_name TEXT,
	-- getMe's can_read_all_group_messages: 0 means privacy mode is on.
	reads_all_group_messages INTEGER NOT NULL DEFAULT 0 CHECK (reads_all_group_messages IN (0, 1)),
	status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'revoked', 'conflict', 'error')),
	status_message TEXT,
	-- getUpdates offset: updates below it have been stored and are confirmed on the next poll.
	update_offset INTEGER NOT NULL DEFAULT 0,
	added_at INTEGER NOT NULL,
	checked_at INTEGER
) STRICT;

CREATE TABLE telegram_chats (
	id INTEGER PRIMARY KEY,
	bot_id INTEGER NOT NULL REFERENCES telegram_bots (id) ON DELETE CASCADE,
	-- Telegram's id; a group upgraded to a supergroup gets a new one, updated in place so history stays.
	chat_id INTEGER NOT NULL,
	type TEXT NOT NULL CHECK (type IN ('private', 'group', 'supergroup', 'channel')),
	title TEXT,
	username TEXT,
	first_name TEXT,
	last_name TEXT,
	is_forum INTEGER NOT NULL DEFAULT 0 CHECK (is_forum IN (0, 1)),
	-- The bot's membership as Telegram last reported it (member, administrator, left, kicked, ...).
	member_status TEXT,
	first_seen_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	-- Default chats get the alerts of every monitor that does not choose its own.
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
	default_thread_id INTEGER,
	default_silent INTEGER NOT NULL DEFAULT 0 CHECK (default_silent IN (0, 1)),
	-- Set when Telegram refuses the chat for good (bot blocked or kicked, chat deleted): no more sends.
	disabled_at INTEGER,
	disabled_reason TEXT,
	UNIQUE (bot_id, chat_id)
) STRICT;

CREATE TABLE monitor_alerts (
	monitor_id INTEGER PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
	-- default: the default chats; chosen: the rows of monitor_alert_chats; off: no alerts.
	mode TEXT NOT NULL DEFAULT 'default' CHECK (mode IN ('default', 'chosen', 'off')),
	-- While down, a reminder every N minutes (NULL: none).
	reminder_minutes INTEGER CHECK (reminder_minutes IS NULL OR reminder_minutes BETWEEN 1 AND 10080),
	last_reminder_at INTEGER
) STRICT;

CREATE TABLE monitor_alert_chats (
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	chat_ref INTEGER NOT NULL REFERENCES telegram_chats (id) ON DELETE CASCADE,
	thread_id INTEGER,
	silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
	PRIMARY KEY (monitor_id, chat_ref)
) STRICT;

CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	-- What caused it: a state-change event, a reminder, a health alert or a test message.
	kind TEXT NOT NULL CHECK (kind IN ('down', 'up', 'degraded', 'reminder', 'test', 'health')),
	event_id INTEGER,
	monitor_id INTEGER REFERENCES monitors (id) ON DELETE SET NULL,
	chat_ref INTEGER REFERENCES telegram_chats (id) ON DELETE SET NULL,
	thread_id INTEGER,
	silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
	-- The message as rendered when the alert was raised (HTML parse mode, every value escaped).
	text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
	created_at INTEGER NOT NULL,
	-- pending: to send; sending: claimed, the request is out (if the app stops now the outcome is unknown and
	-- it is never sent again: better one lost alert than two); sent; failed (with the reason).
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	sent_at INTEGER,
	telegram_message_id INTEGER,
	last_error TEXT
) STRICT;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_monitor ON outbox (monitor_id, created_at);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of these tables (bots, chats, the outbox) and puts
-- them back. Run on its own, this deletes every bot, chat and alert.
DROP INDEX outbox_monitor;
DROP INDEX outbox_due;
DROP TABLE outbox;
DROP TABLE monitor_alert_chats;
DROP TABLE monitor_alerts;
DROP TABLE telegram_chats;
DROP TABLE telegram_bots;
