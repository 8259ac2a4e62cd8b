-- Database health: a sample of the vital signs every few minutes (kept 30 days, for the charts), and
-- every change of a metric's level (ok / warning / critical), which the in-app banner announces once.
-- A rise into warning or critical also puts one message per default Telegram chat in the outbox, in the
-- same transaction: the outbox, not this table, records whether it was sent.

CREATE TABLE health_samples (
	at INTEGER PRIMARY KEY,
	size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
	free_bytes INTEGER NOT NULL CHECK (free_bytes >= 0),
	memory_bytes INTEGER CHECK (memory_bytes IS NULL OR memory_bytes >= 0),
	wasm_bytes INTEGER CHECK (wasm_bytes IS NULL OR wasm_bytes >= 0),
	-- Statement times over the rolling window (NULL when no statement ran in it).
	query_count INTEGER NOT NULL CHECK (query_count >= 0),
	query_p50_ms REAL,
	query_p95_ms REAL,
	query_p99_ms REAL,
	writes_last_hour INTEGER NOT NULL CHECK (writes_last_hour >= 0),
	save_p50_ms REAL,
	save_p95_ms REAL,
	storage_usage INTEGER,
	storage_quota INTEGER
) STRICT;

CREATE TABLE health_alerts (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	metric TEXT NOT NULL CHECK (metric IN ('size', 'memory', 'writeRate', 'queryP95')),
	level TEXT NOT NULL CHECK (level IN ('ok', 'warning', 'critical')),
	previous TEXT NOT NULL CHECK (previous IN ('ok', 'warning', 'critical')),
	value REAL NOT NULL,
	-- One sentence with the value, the level crossed and what to do.
	message TEXT NOT NULL,
	-- When the banner for it was dismissed (in any window).
	dismissed_at INTEGER,
	CHECK (level <> previous)
) STRICT;

CREATE INDEX health_alerts_metric ON health_alerts (metric, id);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the samples and level changes and puts them back.
DROP INDEX health_alerts_metric;
DROP TABLE health_alerts;
DROP TABLE health_samples;
