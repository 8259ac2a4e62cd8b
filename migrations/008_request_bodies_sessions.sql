-- Requests with a body, and sessions per window.
--
-- A monitor can send a body with POST, PUT or PATCH. The body is a secret like the headers (an API call's
-- payload often holds a key or an account's data): stored as they are, a JSON object in clear
-- ({"contentType": ..., "text": ...}, or {} for none) or, under a passphrase, a JSON string holding the
-- sealed object, bound to its row. `method` allows PUT and PATCH now; a CHECK cannot be altered in SQLite,
-- so the table is rebuilt (the runner switches foreign keys off first, so no child row is touched).

CREATE TABLE monitors_new (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
	url TEXT NOT NULL CHECK (
		length(url) <= 2048 AND (url LIKE 'http://%' OR url LIKE 'https://%')
	),
	method TEXT NOT NULL DEFAULT 'GET' CHECK (method IN ('GET', 'HEAD', 'POST', 'PUT', 'PATCH')),
	interval_s INTEGER NOT NULL DEFAULT 60 CHECK (interval_s BETWEEN 10 AND 86400),
	timeout_ms INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL CHECK (updated_at >= created_at),
	mode TEXT NOT NULL DEFAULT 'full' CHECK (mode IN ('full', 'reachability')),
	retries INTEGER NOT NULL DEFAULT 0 CHECK (retries BETWEEN 0 AND 10),
	conditions TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(conditions)),
	headers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(headers)),
	needs_headers INTEGER NOT NULL DEFAULT 0 CHECK (needs_headers IN (0, 1)),
	body TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(body)),
	-- The body could not be carried over (a forgotten passphrase, an import without it): enter it again.
	needs_body INTEGER NOT NULL DEFAULT 0 CHECK (needs_body IN (0, 1))
) STRICT;

INSERT INTO monitors_new (id, name, url, method, interval_s, timeout_ms, enabled, created_at, updated_at,
	mode, retries, conditions, headers, needs_headers)
SELECT id, name, url, method, interval_s, timeout_ms, enabled, created_at, updated_at,
	mode, retries, conditions, headers, needs_headers
FROM monitors;

DROP TABLE monitors;
ALTER TABLE monitors_new RENAME TO monitors;
CREATE INDEX monitors_name ON monitors (name COLLATE NOCASE);

-- Sessions: each window unlocked has one (`window_id`: the id of that window's worker while it runs), and
-- the owner can end another window's session from the Security card (`ended`: that window locks).
CREATE TABLE sessions_new (
	id INTEGER PRIMARY KEY,
	started_at INTEGER NOT NULL,
	last_active_at INTEGER NOT NULL,
	ended_at INTEGER,
	ended_how TEXT CHECK (
		ended_how IS NULL OR ended_how IN ('locked', 'idle', 'closed', 'passphrase-removed', 'ended')
	),
	browser TEXT NOT NULL DEFAULT '',
	window_id TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO sessions_new (id, started_at, last_active_at, ended_at, ended_how, browser)
SELECT id, started_at, last_active_at, ended_at, ended_how, browser FROM sessions;

DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
-- Old sessions are rotated by when they were last active.
CREATE INDEX sessions_last_active ON sessions (last_active_at);
-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of monitors and sessions and puts them back after the
-- up section, bodies, PUT and PATCH monitors and window ids included. Run on its own, this drops every
-- body and window id, turns PUT and PATCH monitors into POST ones and a session ended from another window
-- into a locked one: the tables are rebuilt as 007 made them (their rows copied), where those have no place.
DROP INDEX sessions_last_active;
CREATE TEMP TABLE sessions_007 AS
SELECT id, started_at, last_active_at, ended_at,
	CASE WHEN ended_how = 'ended' THEN 'locked' ELSE ended_how END AS ended_how, browser
FROM sessions;
DROP TABLE sessions;
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	started_at INTEGER NOT NULL,
	last_active_at INTEGER NOT NULL,
	ended_at INTEGER,
	ended_how TEXT CHECK (ended_how IS NULL OR ended_how IN ('locked', 'idle', 'closed', 'passphrase-removed')),
	browser TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO sessions SELECT * FROM temp.sessions_007;
DROP TABLE temp.sessions_007;

CREATE TEMP TABLE monitors_007 AS
SELECT id, name, url, CASE WHEN method IN ('PUT', 'PATCH') THEN 'POST' ELSE method END AS method,
	interval_s, timeout_ms, enabled, created_at, updated_at, mode, retries, conditions, headers, needs_headers
FROM monitors;
DROP INDEX monitors_name;
DROP TABLE monitors;
CREATE TABLE monitors (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
	url TEXT NOT NULL CHECK (
		length(url) <= 2048 AND (url LIKE 'http://%' OR url LIKE 'https://%')
	),
	method TEXT NOT NULL DEFAULT 'GET' CHECK (method IN ('GET', 'HEAD', 'POST')),
	interval_s INTEGER NOT NULL DEFAULT 60 CHECK (interval_s BETWEEN 10 AND 86400),
	timeout_ms INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 120000),
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL CHECK (updated_at >= created_at)
, mode TEXT NOT NULL DEFAULT 'full'
	CHECK (mode IN ('full', 'reachability')), retries INTEGER NOT NULL DEFAULT 0 CHECK (retries BETWEEN 0 AND 10), conditions TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(conditions)), headers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(headers)), needs_headers INTEGER NOT NULL DEFAULT 0 CHECK (needs_headers IN (0, 1))) STRICT;
INSERT INTO monitors SELECT * FROM temp.monitors_007;
DROP TABLE temp.monitors_007;
CREATE INDEX monitors_name ON monitors (name COLLATE NOCASE);
