-- Session changes: one row for every change that makes a cached session
-- answer wrong — a logout (token_hash) or a change of the account the
-- session belongs to (user_id). Each process keeps the users of recently
-- seen session tokens in memory (store.Session) and, before answering from
-- that memory, reads the highest id here: a row it has not applied yet
-- evicts what it names. So a logout in one process is refused at once in
-- every other. Rows older than a day are pruned (a cached session lives a
-- minute). Times are Unix milliseconds.

-- +goose Up
CREATE TABLE session_changes (
    id         {{ID}},
    token_hash TEXT,
    user_id    BIGINT,
    at         BIGINT NOT NULL
);
CREATE INDEX session_changes_at ON session_changes (at);

-- +goose Down
DROP TABLE session_changes;
