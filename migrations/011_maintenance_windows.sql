-- Maintenance windows: planned work during which checks still run but are recorded as `maintenance`
-- (allowed since 009), raise no alert on any channel and do not count in uptime. A window is one-off
-- (starts_at, ends_at: epoch ms) or weekly (days of the week and a local time range in an IANA time zone,
-- computed with Intl: src/shared/maintenance-occurrences.ts). Times are epoch ms.
CREATE TABLE maintenance_windows (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
	kind TEXT NOT NULL CHECK (kind IN ('once', 'weekly')),
	-- One-off: the window is [starts_at, ends_at).
	starts_at INTEGER,
	ends_at INTEGER,
	-- Weekly: days as bits (1 = Monday … 64 = Sunday), from start_minute to end_minute of the local day
	-- (minutes after midnight); an end at or before the start ends on the next day (crossing midnight).
	days INTEGER,
	start_minute INTEGER CHECK (start_minute IS NULL OR start_minute BETWEEN 0 AND 1439),
	end_minute INTEGER CHECK (end_minute IS NULL OR end_minute BETWEEN 0 AND 1439),
	time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
	-- 1: every monitor, present and future; 0: the monitors in maintenance_window_monitors.
	all_monitors INTEGER NOT NULL DEFAULT 0 CHECK (all_monitors IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL CHECK (updated_at >= created_at),
	CHECK (
		(kind = 'once' AND starts_at IS NOT NULL AND ends_at > starts_at AND days IS NULL
			AND start_minute IS NULL AND end_minute IS NULL)
		OR (kind = 'weekly' AND starts_at IS NULL AND ends_at IS NULL AND days BETWEEN 1 AND 127
			AND start_minute IS NOT NULL AND end_minute IS NOT NULL AND start_minute <> end_minute)
	)
) STRICT;

-- A rowid table: SQLite's update hook (which tells the windows what changed) skips WITHOUT ROWID tables.
CREATE TABLE maintenance_window_monitors (
	window_id INTEGER NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	PRIMARY KEY (window_id, monitor_id)
) STRICT;

CREATE INDEX maintenance_window_monitors_monitor ON maintenance_window_monitors (monitor_id);

-- A monitor entering or leaving maintenance: its history and the chart's shaded bands. Kept like state
-- changes (never rotated); the window's name is copied so the event outlives the window.
CREATE TABLE maintenance_events (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	window_id INTEGER REFERENCES maintenance_windows (id) ON DELETE SET NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('start', 'end')),
	at INTEGER NOT NULL
) STRICT;

CREATE INDEX maintenance_events_monitor_time ON maintenance_events (monitor_id, at);

-- While in maintenance: since when, until when (the occurrence's end) and which window. The confirmed
-- state stays what it was before the window, so the first real result after it is compared with that.
ALTER TABLE monitor_status ADD COLUMN maintenance_since INTEGER;
ALTER TABLE monitor_status ADD COLUMN maintenance_until INTEGER;
ALTER TABLE monitor_status ADD COLUMN maintenance_window_id INTEGER;

-- Blocks count their `maintenance` checks (outcome 3 in a block, see src/worker/stores/history/README.md).
-- A CHECK cannot be altered in SQLite, so the table is rebuilt (the runner switches foreign keys off first).
CREATE TABLE history_blocks_new (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	-- Every check of the block started in [block_start, block_end) (epoch ms).
	block_start INTEGER NOT NULL,
	block_end INTEGER NOT NULL,
	-- What a chart and an uptime figure need, without inflating the block: the counts and the response
	-- times (0.1 ms units) of the checks that got an acceptable answer (up or degraded).
	checks INTEGER NOT NULL CHECK (checks > 0),
	up INTEGER NOT NULL CHECK (up >= 0),
	degraded INTEGER NOT NULL CHECK (degraded >= 0),
	down INTEGER NOT NULL CHECK (down >= 0),
	min_tenths INTEGER,
	max_tenths INTEGER,
	sum_tenths INTEGER NOT NULL DEFAULT 0,
	body BLOB NOT NULL,
	maintenance INTEGER NOT NULL DEFAULT 0 CHECK (maintenance >= 0),
	CHECK (block_end > block_start AND block_end - block_start <= 86400000),
	CHECK (up + degraded + down + maintenance = checks)
) STRICT;

INSERT INTO history_blocks_new (id, monitor_id, block_start, block_end, checks, up, degraded, down,
	min_tenths, max_tenths, sum_tenths, body)
SELECT id, monitor_id, block_start, block_end, checks, up, degraded, down, min_tenths, max_tenths,
	sum_tenths, body
FROM history_blocks;

DROP INDEX history_blocks_key;
DROP TABLE history_blocks;
ALTER TABLE history_blocks_new RENAME TO history_blocks;
CREATE UNIQUE INDEX history_blocks_key ON history_blocks (monitor_id, block_start);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of every table here and puts them back after the up
-- section. Run on its own, this deletes every maintenance window and its events, and the blocks that
-- hold `maintenance` checks (an older reader refuses their outcome 3; their rollups stay).
CREATE TEMP TABLE history_blocks_010 AS
SELECT id, monitor_id, block_start, block_end, checks, up, degraded, down, min_tenths, max_tenths,
	sum_tenths, body
FROM history_blocks WHERE maintenance = 0;
DROP INDEX history_blocks_key;
DROP TABLE history_blocks;
CREATE TABLE history_blocks (
	id INTEGER PRIMARY KEY,
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	-- Every check of the block started in [block_start, block_end) (epoch ms).
	block_start INTEGER NOT NULL,
	block_end INTEGER NOT NULL,
	-- What a chart and an uptime figure need, without inflating the block: the counts and the response
	-- times (0.1 ms units) of the checks that got an acceptable answer (up or degraded).
	checks INTEGER NOT NULL CHECK (checks > 0),
	up INTEGER NOT NULL CHECK (up >= 0),
	degraded INTEGER NOT NULL CHECK (degraded >= 0),
	down INTEGER NOT NULL CHECK (down >= 0),
	min_tenths INTEGER,
	max_tenths INTEGER,
	sum_tenths INTEGER NOT NULL DEFAULT 0,
	body BLOB NOT NULL,
	CHECK (block_end > block_start AND block_end - block_start <= 86400000),
	CHECK (up + degraded + down = checks)
) STRICT;
INSERT INTO history_blocks SELECT * FROM temp.history_blocks_010;
DROP TABLE temp.history_blocks_010;
CREATE UNIQUE INDEX history_blocks_key ON history_blocks (monitor_id, block_start);

ALTER TABLE monitor_status DROP COLUMN maintenance_window_id;
ALTER TABLE monitor_status DROP COLUMN maintenance_until;
ALTER TABLE monitor_status DROP COLUMN maintenance_since;
DROP INDEX maintenance_events_monitor_time;
DROP TABLE maintenance_events;
DROP INDEX maintenance_window_monitors_monitor;
DROP TABLE maintenance_window_monitors;
DROP TABLE maintenance_windows;
