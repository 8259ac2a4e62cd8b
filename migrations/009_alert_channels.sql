-- Alerts everywhere: channels besides Telegram (webhooks, ntfy, Gotify, Discord, Slack, browser
-- notifications), chosen per monitor like Telegram chats, delivered through the same outbox; checks run
-- during a maintenance window are recorded as `maintenance`; an incident can be acknowledged and an
-- event can carry a note. Times are epoch ms.

-- A channel's `config` is what is not secret (a server URL, a topic, a priority, tags); `secret` holds
-- what is (a token, a secret header's value, a Discord or Slack webhook URL), stored like a monitor's
-- headers: a JSON object in clear, or under a passphrase a JSON string holding the sealed object, bound
-- to its row (channels.secret#id).
CREATE TABLE channels (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('webhook', 'ntfy', 'gotify', 'discord', 'slack', 'browser')),
	name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
	config TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
	secret TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(secret)),
	-- The secret could not be carried over (a forgotten passphrase, an import without it): enter it again.
	needs_secret INTEGER NOT NULL DEFAULT 0 CHECK (needs_secret IN (0, 1)),
	-- Default channels get the alerts of every monitor that does not choose its own.
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL CHECK (updated_at >= created_at)
) STRICT;

-- A monitor whose monitor_alerts.mode is 'chosen' alerts these channels (and its chosen chats).
CREATE TABLE monitor_alert_channels (
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	PRIMARY KEY (monitor_id, channel_id)
) STRICT;

-- "I'm on it": no reminders for this incident; the next state change clears it.
ALTER TABLE monitor_alerts ADD COLUMN acknowledged_at INTEGER;
-- A note a person writes on an event ("DB failover, fixed by ...").
ALTER TABLE events ADD COLUMN note TEXT CHECK (note IS NULL OR length(note) <= 2000);

-- The outbox carries a channel (or a Telegram chat), the alert's facts as JSON for channels that send
-- structured payloads (a webhook), and a fifth outcome: `unconfirmed`, sent where the answer cannot be
-- read (a no-cors request to Discord or Slack). A CHECK cannot be altered in SQLite, so the table is
-- rebuilt (the runner switches foreign keys off first); every row is copied with its id.
CREATE TABLE outbox_new (
	id INTEGER PRIMARY KEY,
	-- What caused it: a state-change event, a reminder, a health alert or a test message.
	kind TEXT NOT NULL CHECK (kind IN ('down', 'up', 'degraded', 'reminder', 'test', 'health')),
	event_id INTEGER,
	monitor_id INTEGER REFERENCES monitors (id) ON DELETE SET NULL,
	chat_ref INTEGER REFERENCES telegram_chats (id) ON DELETE SET NULL,
	channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,
	thread_id INTEGER,
	silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
	-- The message as rendered when the alert was raised (Telegram: HTML parse mode; channels: plain text).
	text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
	-- The alert's facts (monitor, state, previous state, time, message, link) for structured payloads.
	payload TEXT CHECK (payload IS NULL OR json_valid(payload)),
	created_at INTEGER NOT NULL,
	-- pending: to send; sending: claimed, the request is out (if the app stops now the outcome is unknown and
	-- it is never sent again: better one lost alert than two); sent; unconfirmed: sent without a readable
	-- answer; failed (with the reason); uncertain.
	status TEXT NOT NULL DEFAULT 'pending' CHECK (
		status IN ('pending', 'sending', 'sent', 'unconfirmed', 'failed', 'uncertain')
	),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	sent_at INTEGER,
	telegram_message_id INTEGER,
	last_error TEXT
) STRICT;

INSERT INTO outbox_new (id, kind, event_id, monitor_id, chat_ref, thread_id, silent, text, created_at,
	status, attempts, next_attempt_at, sent_at, telegram_message_id, last_error)
SELECT id, kind, event_id, monitor_id, chat_ref, thread_id, silent, text, created_at,
	status, attempts, next_attempt_at, sent_at, telegram_message_id, last_error
FROM outbox;

DROP INDEX outbox_monitor;
DROP INDEX outbox_due;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_monitor ON outbox (monitor_id, created_at);

-- Checks run during a maintenance window are recorded as `maintenance`: not counted as up or down.
CREATE TABLE checks_new (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	-- When the check was due and when it ran: a difference larger than the interval is a gap
	-- (a suspended tab, a closed app, the browser offline).
	due_at INTEGER NOT NULL,
	started_at INTEGER NOT NULL,
	duration_ms REAL NOT NULL CHECK (duration_ms >= 0),
	outcome TEXT NOT NULL CHECK (outcome IN ('up', 'down', 'degraded', 'maintenance')),
	http_status INTEGER CHECK (http_status IS NULL OR http_status BETWEEN 0 AND 999),
	message TEXT NOT NULL DEFAULT '',
	mode TEXT NOT NULL CHECK (mode IN ('full', 'reachability'))
) STRICT;

INSERT INTO checks_new (id, monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode)
SELECT id, monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode FROM checks;

DROP INDEX checks_time;
DROP INDEX checks_monitor_time;
DROP TABLE checks;
ALTER TABLE checks_new RENAME TO checks;
CREATE INDEX checks_monitor_time ON checks (monitor_id, started_at);
CREATE INDEX checks_time ON checks (started_at);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of every table here and puts them back after the up
-- section. Run on its own, this deletes every channel and its alerts, the checks recorded as
-- `maintenance`, acknowledgements and notes, and turns `unconfirmed` messages into `sent` ones: the
-- tables are rebuilt as 008 made them (their rows copied), where those have no place.
CREATE TEMP TABLE checks_008 AS
SELECT id, monitor_id, due_at, started_at, duration_ms, outcome, http_status, message, mode
FROM checks WHERE outcome <> 'maintenance';
DROP INDEX checks_time;
DROP INDEX checks_monitor_time;
DROP TABLE checks;
CREATE TABLE checks (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	-- When the check was due and when it ran: a difference larger than the interval is a gap
	-- (a suspended tab, a closed app, the browser offline).
	due_at INTEGER NOT NULL,
	started_at INTEGER NOT NULL,
	duration_ms REAL NOT NULL CHECK (duration_ms >= 0),
	outcome TEXT NOT NULL CHECK (outcome IN ('up', 'down', 'degraded')),
	http_status INTEGER CHECK (http_status IS NULL OR http_status BETWEEN 0 AND 999),
	message TEXT NOT NULL DEFAULT '',
	mode TEXT NOT NULL CHECK (mode IN ('full', 'reachability'))
) STRICT;
INSERT INTO checks SELECT * FROM temp.checks_008;
DROP TABLE temp.checks_008;
CREATE INDEX checks_monitor_time ON checks (monitor_id, started_at);
CREATE INDEX checks_time ON checks (started_at);

CREATE TEMP TABLE outbox_008 AS
SELECT id, kind, event_id, monitor_id, chat_ref, thread_id, silent, text, created_at,
	CASE WHEN status = 'unconfirmed' THEN 'sent' ELSE status END AS status,
	attempts, next_attempt_at, sent_at, telegram_message_id, last_error
FROM outbox WHERE channel_id IS NULL;
DROP INDEX outbox_monitor;
DROP INDEX outbox_due;
DROP TABLE outbox;
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
INSERT INTO outbox SELECT * FROM temp.outbox_008;
DROP TABLE temp.outbox_008;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_monitor ON outbox (monitor_id, created_at);

ALTER TABLE events DROP COLUMN note;
ALTER TABLE monitor_alerts DROP COLUMN acknowledged_at;
DROP TABLE monitor_alert_channels;
DROP TABLE channels;
