-- Bulk imports: an officer's uploaded file, parsed into rows, waits here for
-- the officer's decision (all or nothing, or the valid rows only). The rows
-- hold ID numbers and phones, so rows_json is the rows' JSON sealed like
-- other personal data (AES-256-GCM); it is emptied once the import is
-- written, and pending imports are deleted when they expire. Times are Unix
-- milliseconds; committed_at = 0 while the import is pending.

-- +goose Up
CREATE TABLE imports (
    id           {{ID}},
    token        TEXT NOT NULL UNIQUE,
    officer_id   BIGINT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL CHECK (kind IN ('seekers', 'postings')),
    file_name    TEXT NOT NULL DEFAULT '',
    rows_json    {{BLOB}} NOT NULL,
    row_count    INTEGER NOT NULL DEFAULT 0,
    written      INTEGER NOT NULL DEFAULT 0,
    mode         TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    committed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX imports_officer ON imports (officer_id, created_at);

-- +goose Down
DROP TABLE imports;
