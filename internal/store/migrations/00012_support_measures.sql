-- Enterprise support (internal/support): the enterprise profile the 16 measures need, one
-- row per employer (the policy.Profile as JSON, with its district for queries); officers'
-- parameter versions, applied on top of the embedded rules in id order (policy
-- Rules.WithParam); and per employer and measure what happened: found eligible, notified of
-- an automatic grant (免申即享), applied, obtained. Times are Unix milliseconds; dates
-- 'YYYY-MM-DD'.

-- +goose Up
CREATE TABLE support_profiles (
    employer_id BIGINT PRIMARY KEY REFERENCES employers (id),
    profile     TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    updated_by  BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX support_profiles_district ON support_profiles (district);

CREATE TABLE support_param_versions (
    id         {{ID}},
    measure    TEXT NOT NULL,
    param      TEXT NOT NULL,
    from_date  TEXT NOT NULL,
    value      DOUBLE PRECISION,
    source     TEXT NOT NULL,
    note_zh    TEXT NOT NULL DEFAULT '',
    note_en    TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (measure, param, from_date)
);

CREATE TABLE support_claims (
    employer_id  BIGINT NOT NULL REFERENCES employers (id),
    measure      TEXT NOT NULL,
    automatic    BOOLEAN NOT NULL DEFAULT FALSE,
    estimate_cny DOUBLE PRECISION,
    notified_at  BIGINT NOT NULL DEFAULT 0,
    applied_at   BIGINT NOT NULL DEFAULT 0,
    obtained_on  TEXT,
    obtained_cny DOUBLE PRECISION,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (employer_id, measure)
);
CREATE INDEX support_claims_measure ON support_claims (measure);

-- +goose Down
DROP TABLE support_claims;
DROP TABLE support_param_versions;
DROP TABLE support_profiles;
