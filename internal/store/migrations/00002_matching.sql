-- Matching at city scale: match-day runs and their proposals, the
-- officer-set matching policy, and an index that lets every process follow
-- application changes (the recommendation index polls updated_at columns).
-- Search needs no table: the inverted index lives in memory (see
-- docs/ARCHITECTURE.md, "Matching and search").

-- +goose Up
CREATE INDEX applications_updated ON applications (updated_at);

CREATE TABLE match_runs (
    id          {{ID}},
    region      TEXT NOT NULL,
    day         TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    seekers     INTEGER NOT NULL DEFAULT 0,
    unmatched   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE match_proposals (
    id             {{ID}},
    run_id         BIGINT NOT NULL REFERENCES match_runs (id),
    seeker_id      BIGINT NOT NULL REFERENCES seekers (id),
    posting_id     BIGINT NOT NULL REFERENCES postings (id),
    choice         INTEGER NOT NULL DEFAULT 0,
    score          DOUBLE PRECISION NOT NULL,
    employer_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'proposed',
    application_id BIGINT,
    error          TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (run_id, seeker_id)
);
CREATE INDEX match_proposals_run ON match_proposals (run_id, id);

CREATE TABLE match_policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    policy     TEXT NOT NULL,
    updated_by BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE match_policy;
DROP TABLE match_proposals;
DROP TABLE match_runs;
DROP INDEX applications_updated;
