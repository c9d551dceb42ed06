-- Sign-in attempts are counted in one row per subject (a blind index of a
-- username and the client's address), taken atomically before a password
-- is hashed: INSERT … ON CONFLICT DO UPDATE … WHERE attempts < limit on both
-- databases. It replaces login_failures, which was counted before hashing
-- and written after, so simultaneous guesses all got through.
-- Outbox bodies are sealed at rest (body_cipher, AES-256-GCM); body stays
-- for rows written before this migration and is emptied on delivery.

-- +goose Up
CREATE TABLE login_attempts (
    subject  TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    since    BIGINT NOT NULL
);
CREATE INDEX login_attempts_since ON login_attempts (since);
DROP TABLE login_failures;
CREATE INDEX login_codes_created ON login_codes (created_at);
ALTER TABLE outbox ADD COLUMN body_cipher {{BLOB}};

-- +goose Down
ALTER TABLE outbox DROP COLUMN body_cipher;
DROP INDEX login_codes_created;
CREATE TABLE login_failures (
    id      {{ID}},
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);
DROP TABLE login_attempts;
