-- The retention system (internal/retention): check-ins after arrival, their
-- steps, wage arrears and disputes, subsidy rules, claims and the
-- append-only ledger. One text for both databases.

-- +goose Up
CREATE TABLE checkins (
    id              {{ID}},
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    step            INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    arrived_on      TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    county          TEXT NOT NULL,
    district        TEXT NOT NULL,
    employer_id     BIGINT NOT NULL,
    status          TEXT NOT NULL,
    reminders       INTEGER NOT NULL DEFAULT 0,
    next_at         BIGINT NOT NULL DEFAULT 0,
    seeker_answer   TEXT NOT NULL DEFAULT '',
    seeker_left_on  TEXT NOT NULL DEFAULT '',
    seeker_reason   TEXT NOT NULL DEFAULT '',
    employer_answer TEXT NOT NULL DEFAULT '',
    employer_left_on TEXT NOT NULL DEFAULT '',
    employer_reason TEXT NOT NULL DEFAULT '',
    officer_answer  TEXT NOT NULL DEFAULT '',
    officer_left_on TEXT NOT NULL DEFAULT '',
    officer_reason  TEXT NOT NULL DEFAULT '',
    disagree        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (application_id, step)
);
CREATE INDEX checkins_next ON checkins (next_at) WHERE next_at > 0;
CREATE INDEX checkins_due ON checkins (due_on, id);
CREATE INDEX checkins_employer ON checkins (employer_id, due_on);

CREATE TABLE separations (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    checkin_id     BIGINT REFERENCES checkins (id),
    left_on        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    said_by        TEXT NOT NULL,
    actor_id       BIGINT NOT NULL,
    at             BIGINT NOT NULL
);

CREATE TABLE retention_events (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    checkin_id     BIGINT,
    dispute_id     BIGINT,
    kind           TEXT NOT NULL,
    actor_id       BIGINT NOT NULL DEFAULT 0,
    actor_role     TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL
);
CREATE INDEX retention_events_app ON retention_events (application_id, id);

CREATE TABLE disputes (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    employer_id    BIGINT NOT NULL REFERENCES employers (id),
    county         TEXT NOT NULL,
    district       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    months         TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    deadline       TEXT NOT NULL,
    escalated_at   BIGINT NOT NULL DEFAULT 0,
    reporter_id    BIGINT NOT NULL,
    reporter_role  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX disputes_employer ON disputes (employer_id, status);
CREATE INDEX disputes_app ON disputes (application_id);
CREATE INDEX disputes_open ON disputes (status, deadline);

CREATE TABLE dispute_replies (
    id          {{ID}},
    dispute_id  BIGINT NOT NULL REFERENCES disputes (id),
    actor_id    BIGINT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL
);
CREATE INDEX dispute_replies_dispute ON dispute_replies (dispute_id, id);

CREATE TABLE subsidy_rules (
    id          {{ID}},
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    payee       TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    condition   TEXT NOT NULL,
    budget_line TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE subsidy_claims (
    id             {{ID}},
    rule_id        BIGINT NOT NULL REFERENCES subsidy_rules (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    amount         INTEGER NOT NULL,
    payee          TEXT NOT NULL,
    county         TEXT NOT NULL,
    district       TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CONSTRAINT subsidy_claims_once UNIQUE (rule_id, application_id)
);
CREATE INDEX subsidy_claims_status ON subsidy_claims (status, id);

-- Append-only: the code has no UPDATE or DELETE of this table; a correction
-- is a new entry with reverses set and the amount negated.
CREATE TABLE ledger_entries (
    id             {{ID}},
    claim_id       BIGINT NOT NULL REFERENCES subsidy_claims (id),
    rule_id        BIGINT NOT NULL REFERENCES subsidy_rules (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    reference      TEXT NOT NULL DEFAULT '',
    paid_on        TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    reverses       BIGINT UNIQUE REFERENCES ledger_entries (id),
    county         TEXT NOT NULL,
    district       TEXT NOT NULL,
    month          TEXT NOT NULL,
    actor_id       BIGINT NOT NULL,
    actor_role     TEXT NOT NULL,
    at             BIGINT NOT NULL
);
CREATE INDEX ledger_entries_claim ON ledger_entries (claim_id, id);
CREATE INDEX ledger_entries_month ON ledger_entries (month, rule_id);

-- +goose Down
DROP TABLE ledger_entries;
DROP TABLE subsidy_claims;
DROP TABLE subsidy_rules;
DROP TABLE dispute_replies;
DROP TABLE disputes;
DROP TABLE retention_events;
DROP TABLE separations;
DROP TABLE checkins;
