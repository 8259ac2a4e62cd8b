-- Tags: a name and a colour, many per monitor, to search, filter and group the list and to choose what a
-- published status page shows.
CREATE TABLE tags (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 40),
	-- #rrggbb, lowercase.
	colour TEXT NOT NULL CHECK (
		length(colour) = 7 AND colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
	),
	created_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX tags_name ON tags (name COLLATE NOCASE);

-- A rowid table (not WITHOUT ROWID): SQLite's update hook, which tells the windows which tables changed,
-- is not called for WITHOUT ROWID tables.
CREATE TABLE monitor_tags (
	monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
	tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (monitor_id, tag_id)
) STRICT;

CREATE INDEX monitor_tags_tag ON monitor_tags (tag_id);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the rows of tags and monitor_tags and puts them back after the
-- up section. Run on its own, this deletes every tag and which monitors carried it.
DROP INDEX monitor_tags_tag;
DROP TABLE monitor_tags;
DROP INDEX tags_name;
DROP TABLE tags;
