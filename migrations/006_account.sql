-- The owner account: an optional passphrase that locks the app and encrypts its secrets (Telegram bot
-- tokens, monitor request headers) with AES-GCM under a key only the passphrase unlocks, and the sessions
-- it opens. Without a passphrase nothing changes: secrets stay in clear, as before.

CREATE TABLE users (
	-- One owner of this database on this device.
	id INTEGER PRIMARY KEY CHECK (id = 1),
	created_at INTEGER NOT NULL,
	-- The passphrase is never stored: PBKDF2-SHA256 with a random salt derives a key that unwraps the data key.
	kdf TEXT NOT NULL CHECK (kdf = 'PBKDF2-SHA256'),
	iterations INTEGER NOT NULL CHECK (iterations >= 100000),
	salt BLOB NOT NULL CHECK (length(salt) >= 16),
	-- The random AES-GCM data key that encrypts the secrets, itself encrypted under the derived key.
	wrapped_key BLOB NOT NULL,
	wrap_iv BLOB NOT NULL CHECK (length(wrap_iv) = 12),
	-- Wrong passphrases in a row, and until when further attempts are refused.
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	retry_after INTEGER,
	idle_lock_minutes INTEGER NOT NULL DEFAULT 15 CHECK (idle_lock_minutes BETWEEN 1 AND 1440),
	changed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	started_at INTEGER NOT NULL,
	last_active_at INTEGER NOT NULL,
	ended_at INTEGER,
	ended_how TEXT CHECK (ended_how IS NULL OR ended_how IN ('locked', 'idle', 'closed', 'passphrase-removed')),
	browser TEXT NOT NULL DEFAULT ''
) STRICT;

-- While the secrets are locked the UI still names each bot; the hint holds no part of the secret.
ALTER TABLE telegram_bots ADD COLUMN token_hint TEXT;
-- A secret that could not be carried over (a forgotten passphrase, an import without its passphrase).
ALTER TABLE telegram_bots ADD COLUMN needs_token INTEGER NOT NULL DEFAULT 0 CHECK (needs_token IN (0, 1));
ALTER TABLE monitors ADD COLUMN needs_headers INTEGER NOT NULL DEFAULT 0 CHECK (needs_headers IN (0, 1));

-- Bots are recognised by their Telegram id once tokens are encrypted (a ciphertext is different every time).
DELETE FROM telegram_bots WHERE bot_user_id IS NOT NULL
	AND id NOT IN (SELECT max(id) FROM telegram_bots WHERE bot_user_id IS NOT NULL GROUP BY bot_user_id);
CREATE UNIQUE INDEX telegram_bots_user ON telegram_bots (bot_user_id);
UPDATE telegram_bots SET token_hint = substr(token, 1, instr(token, ':')) || '…';

-- migrate:down
-- Safe to undo in a reset: the reset keeps the owner, the sessions and the bots' and monitors' rows and
-- puts them back, so the up section's token hints (read from tokens that may now be sealed) and its
-- removal of duplicate bots (there are none once the unique index existed) change nothing. Duplicate bots
-- removed when 006 first ran are not brought back by anything. Run on its own, this deletes the
-- passphrase's wrapped key: sealed secrets could never be opened again.
DROP INDEX telegram_bots_user;
ALTER TABLE monitors DROP COLUMN needs_headers;
ALTER TABLE telegram_bots DROP COLUMN needs_token;
ALTER TABLE telegram_bots DROP COLUMN token_hint;
DROP TABLE sessions;
DROP TABLE users;
