-- Reward challenges (揭榜挂帅, internal/equipment): a challenge with its criteria and weights
-- moves draft → reviewed → published → closed → awarded by conditional updates; teams take it
-- up once each (entries); experts declare conflicts and score each entry once per round
-- (scores, unique per entry, expert and round); the award is min(ask, assessed) within the
-- ceiling, paid in two parts into an append-only ledger whose idempotency key is unique
-- (equipment_payments_once), so no part is ever paid twice. Money is whole yuan (CNY).

-- +goose Up
CREATE TABLE equipment_challenges (
    id            {{ID}},
    title         TEXT NOT NULL,
    problem       TEXT NOT NULL,
    eligibility   TEXT NOT NULL DEFAULT '',
    ceiling       BIGINT NOT NULL CHECK (ceiling > 0),
    upfront_pct   INTEGER NOT NULL DEFAULT 30 CHECK (upfront_pct BETWEEN 0 AND 100),
    upfront_cap   BIGINT NOT NULL DEFAULT 0 CHECK (upfront_cap >= 0),
    opens_on      TEXT NOT NULL,
    closes_on     TEXT NOT NULL,
    milestone     TEXT NOT NULL DEFAULT '',
    milestone_on  TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed', 'published', 'closed', 'awarded')),
    round         INTEGER NOT NULL DEFAULT 0 CHECK (round BETWEEN 0 AND 2),
    round_open    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX equipment_challenges_status ON equipment_challenges (status, id);

CREATE TABLE equipment_criteria (
    id           {{ID}},
    challenge_id BIGINT NOT NULL REFERENCES equipment_challenges (id),
    name         TEXT NOT NULL,
    weight       INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    position     INTEGER NOT NULL,
    UNIQUE (challenge_id, position)
);

CREATE TABLE equipment_entries (
    id             {{ID}},
    challenge_id   BIGINT NOT NULL REFERENCES equipment_challenges (id),
    institution_id BIGINT NOT NULL REFERENCES equipment_institutions (id),
    lead_id        BIGINT NOT NULL REFERENCES users (id),
    team           TEXT NOT NULL,
    members        TEXT NOT NULL,
    proposal       TEXT NOT NULL,
    ask            BIGINT NOT NULL CHECK (ask > 0),
    shortlisted    BOOLEAN NOT NULL DEFAULT FALSE,
    selected       BOOLEAN NOT NULL DEFAULT FALSE,
    assessed       BIGINT NOT NULL DEFAULT 0,
    award          BIGINT NOT NULL DEFAULT 0 CHECK (award >= 0 AND award <= ask),
    milestone      TEXT NOT NULL DEFAULT 'pending' CHECK (milestone IN ('pending', 'passed', 'failed')),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (challenge_id, institution_id)
);
-- One selected team per challenge.
CREATE UNIQUE INDEX equipment_entries_one_award ON equipment_entries (challenge_id) WHERE selected;

CREATE TABLE equipment_conflicts (
    entry_id    BIGINT NOT NULL REFERENCES equipment_entries (id),
    expert_id   BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    declared_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, expert_id)
);

CREATE TABLE equipment_scores (
    id        {{ID}},
    entry_id  BIGINT NOT NULL REFERENCES equipment_entries (id),
    expert_id BIGINT NOT NULL REFERENCES users (id),
    round     INTEGER NOT NULL CHECK (round IN (1, 2)),
    scores    TEXT NOT NULL,
    total     DOUBLE PRECISION NOT NULL,
    assessed  BIGINT NOT NULL CHECK (assessed >= 0),
    comment   TEXT NOT NULL DEFAULT '',
    at        BIGINT NOT NULL,
    UNIQUE (entry_id, expert_id, round)
);

-- Append-only: the code has no UPDATE or DELETE of this table.
CREATE TABLE equipment_payments (
    id              {{ID}},
    challenge_id    BIGINT NOT NULL REFERENCES equipment_challenges (id),
    entry_id        BIGINT NOT NULL REFERENCES equipment_entries (id),
    part            TEXT NOT NULL CHECK (part IN ('upfront', 'milestone')),
    amount          BIGINT NOT NULL CHECK (amount >= 0),
    idempotency_key TEXT NOT NULL,
    paid_by         BIGINT NOT NULL REFERENCES users (id),
    at              BIGINT NOT NULL
);
CREATE UNIQUE INDEX equipment_payments_once ON equipment_payments (idempotency_key);
CREATE UNIQUE INDEX equipment_payments_part ON equipment_payments (entry_id, part);
CREATE INDEX equipment_payments_challenge ON equipment_payments (challenge_id);

-- +goose Down
DROP TABLE equipment_payments;
DROP TABLE equipment_scores;
DROP TABLE equipment_conflicts;
DROP TABLE equipment_entries;
DROP TABLE equipment_criteria;
DROP TABLE equipment_challenges;
