-- The first schema of monitor.db: settings, the application log, and the monitors themselves.
-- Times are Unix epoch milliseconds (INTEGER). Booleans are 0/1 with a CHECK.

CREATE TABLE settings (
	key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
	value TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE app_log (
	id INTEGER PRIMARY KEY,
	time INTEGER NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
	message TEXT NOT NULL,
	context TEXT CHECK (context IS NULL OR json_valid(context))
) STRICT;

CREATE INDEX app_log_time ON app_log (time);

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
) STRICT;

CREATE INDEX monitors_name ON monitors (name COLLATE NOCASE);

-- migrate:down
-- Safe to undo in a reset: the reset keeps every row of the tables it drops and puts them back once the
-- migrations are applied again (src/worker/core/migrations/reset.ts). Run on its own, this deletes every
-- setting, log line and monitor.
DROP INDEX monitors_name;
DROP TABLE monitors;
DROP INDEX app_log_time;
DROP TABLE app_log;
DROP TABLE settings;
