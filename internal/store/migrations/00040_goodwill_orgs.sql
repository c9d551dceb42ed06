-- The goodwill system (internal/goodwill), part 1: social organisations registered by their
-- unified social credit code and verified by an officer of the civil affairs bureau; their
-- staff (accounts of role 'org', each a member of one organisation); and which officers
-- verify for the bureau. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE goodwill_orgs (
    id          {{ID}},
    name        TEXT NOT NULL,
    uscc        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('association', 'private_non_enterprise', 'foundation', 'other')),
    district    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
    reviewed_by BIGINT REFERENCES users (id),
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX goodwill_orgs_status ON goodwill_orgs (status, id);

CREATE TABLE goodwill_members (
    user_id  BIGINT PRIMARY KEY REFERENCES users (id),
    org_id   BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    added_at BIGINT NOT NULL
);
CREATE INDEX goodwill_members_org ON goodwill_members (org_id);

CREATE TABLE goodwill_verifiers (
    user_id  BIGINT PRIMARY KEY REFERENCES users (id),
    added_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE goodwill_verifiers;
DROP TABLE goodwill_members;
DROP TABLE goodwill_orgs;
