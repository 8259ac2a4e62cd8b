-- Writes by request id, so a call that is retried after another window took over the database is
-- answered from here instead of being applied twice. The owning window prunes rows after an hour.

CREATE TABLE _requests (
	id TEXT PRIMARY KEY NOT NULL,
	result TEXT,
	at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX _requests_at ON _requests (at);

-- migrate:down
-- Safe to undo in a reset: the reset keeps the ledger's rows and puts them back.
DROP INDEX _requests_at;
DROP TABLE _requests;
