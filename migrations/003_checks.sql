-- Checks from the browser: per-monitor check settings, the raw check history, the current state of each
-- monitor, state-change events (kept when raw checks are rotated away), and minute/hour/day rollups so
-- charts over long ranges read a few hundred rows instead of every check. Times are epoch ms.

ALTER TABLE monitors ADD COLUMN mode TEXT NOT NULL DEFAULT 'full'
	CHECK (mode IN ('full', 'reachability'));
ALTER TABLE monitors ADD COLUMN retries INTEGER NOT NULL DEFAULT 0 CHECK (retries BETWEEN 0 AND 10);
ALTER TABLE monitors ADD COLUMN conditions TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(conditions));
ALTER TABLE monitors ADD COLUMN headers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(headers));

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

CREATE INDEX checks_monitor_time ON checks (monitor_id, started_at);
CREATE INDEX checks_time ON checks (started_at);

CREATE TABLE monitor_status (
	monitor_id INTEGER PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
	-- The confirmed state; while retries run after a failure it stays as it was and `retrying` is 1.
	state TEXT NOT NULL DEFAULT 'unknown' CHECK (state IN ('unknown', 'up', 'down', 'degraded')),
	state_since INTEGER,
	retrying INTEGER NOT NULL DEFAULT 0 CHECK (retrying IN (0, 1)),
	failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
	next_due_at INTEGER NOT NULL,
	last_check_id INTEGER,
	-- The last full-mode check failed the way a CORS refusal does while the URL itself was reachable.
	cors_blocked INTEGER NOT NULL DEFAULT 0 CHECK (cors_blocked IN (0, 1))
) STRICT;

CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	at INTEGER NOT NULL,
	from_state TEXT CHECK (from_state IS NULL OR from_state IN ('up', 'down', 'degraded')),
	to_state TEXT NOT NULL CHECK (to_state IN ('up', 'down', 'degraded')),
	message TEXT NOT NULL DEFAULT '',
	-- No foreign key: the raw check is rotated away after the retention period, the event stays.
	check_id INTEGER
) STRICT;

CREATE INDEX events_monitor_time ON events (monitor_id, at);

CREATE TABLE rollups (
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	resolution TEXT NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
	bucket_start INTEGER NOT NULL,
	checks INTEGER NOT NULL CHECK (checks > 0),
	up INTEGER NOT NULL,
	degraded INTEGER NOT NULL,
	down INTEGER NOT NULL,
	-- Response times of the checks that got an acceptable answer (up or degraded).
	min_ms REAL,
	max_ms REAL,
	sum_ms REAL NOT NULL DEFAULT 0,
	PRIMARY KEY (monitor_id, resolution, bucket_start),
	CHECK (up + degraded + down = checks)
) STRICT, WITHOUT ROWID;

CREATE INDEX rollups_time ON rollups (resolution, bucket_start);

INSERT INTO monitor_status (monitor_id, next_due_at) SELECT id, 0 FROM monitors;

-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of these tables and of monitors (whose added
-- columns are dropped here) and puts them back, so the monitor_status rows the up section makes are
-- replaced by the kept ones. Run on its own, this deletes the check history and the monitors' settings.
DROP INDEX rollups_time;
DROP TABLE rollups;
DROP INDEX events_monitor_time;
DROP TABLE events;
DROP TABLE monitor_status;
DROP INDEX checks_time;
DROP INDEX checks_monitor_time;
DROP TABLE checks;
ALTER TABLE monitors DROP COLUMN headers;
ALTER TABLE monitors DROP COLUMN conditions;
ALTER TABLE monitors DROP COLUMN retries;
ALTER TABLE monitors DROP COLUMN mode;
