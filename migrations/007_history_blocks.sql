-- History that lasts: checks older than the recent window are compacted into blocks, one row per monitor
-- and span (a few hours), each holding that span's checks column by column, compressed. The block format
-- is in src/worker/stores/history/README.md. Recent checks stay rows in `checks`; hour and day rollups
-- stay in `rollups` and outlive the blocks. Existing rows are not moved here: SQL cannot run the codec,
-- and the compaction job moves them in small crash-safe steps once the app runs.

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

CREATE UNIQUE INDEX history_blocks_key ON history_blocks (monitor_id, block_start);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the blocks and puts them back. Run on its own, this deletes
-- all compacted history (SQL cannot decode a block back into rows of `checks`).
DROP INDEX history_blocks_key;
DROP TABLE history_blocks;
