-- The hiring pipeline: accounts, employers, postings, seekers, applications.
-- One text for both databases: {{ID}}, {{BLOB}} and {{TEXTID}} are the only
-- words that differ, filled in by store.migrationsFS. Times are Unix
-- milliseconds (BIGINT, UTC); dates are 'YYYY-MM-DD' text.

-- +goose Up
CREATE TABLE employers (
    id            {{ID}},
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL UNIQUE,
    district      TEXT NOT NULL,
    street        TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    industry      TEXT NOT NULL DEFAULT '',
    verified      BOOLEAN NOT NULL DEFAULT FALSE,
    verified_at   BIGINT NOT NULL DEFAULT 0,
    verified_by   BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX employers_district ON employers (district);

CREATE TABLE seekers (
    id             {{ID}},
    name           TEXT NOT NULL,
    id_cipher      {{BLOB}} NOT NULL,
    id_hash        TEXT NOT NULL UNIQUE,
    phone_cipher   {{BLOB}},
    phone_hash     TEXT UNIQUE,
    gender         TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    home_county    TEXT NOT NULL,
    trades         TEXT NOT NULL DEFAULT '',
    experience     INTEGER NOT NULL DEFAULT 0,
    expected_pay   INTEGER NOT NULL DEFAULT 0,
    wants_dorm     BOOLEAN NOT NULL DEFAULT FALSE,
    wants_meals    BOOLEAN NOT NULL DEFAULT FALSE,
    available_from TEXT,
    education      TEXT NOT NULL DEFAULT '',
    poor           BOOLEAN NOT NULL DEFAULT FALSE,
    health         TEXT NOT NULL DEFAULT '',
    health_at      BIGINT NOT NULL DEFAULT 0,
    group_code     TEXT NOT NULL DEFAULT '',
    consent_method TEXT NOT NULL,
    consent_at     BIGINT NOT NULL,
    registered_by  BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX seekers_home_county ON seekers (home_county);
CREATE INDEX seekers_updated ON seekers (updated_at);

CREATE TABLE users (
    id            {{ID}},
    username      TEXT UNIQUE,
    phone_hash    TEXT UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    region        TEXT NOT NULL DEFAULT '',
    employer_id   BIGINT REFERENCES employers (id),
    seeker_id     BIGINT UNIQUE REFERENCES seekers (id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_codes (
    id         {{ID}},
    phone_hash TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_codes_phone ON login_codes (phone_hash, created_at);

CREATE TABLE login_failures (
    id      {{ID}},
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

CREATE TABLE outbox (
    id           {{ID}},
    channel      TEXT NOT NULL,
    recipient_hash   TEXT NOT NULL,
    recipient_cipher {{BLOB}} NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_recipient ON outbox (recipient_hash, id);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

CREATE TABLE postings (
    id               {{ID}},
    employer_id      BIGINT NOT NULL REFERENCES employers (id),
    title            TEXT NOT NULL,
    occupation       TEXT NOT NULL,
    headcount        INTEGER NOT NULL CHECK (headcount > 0),
    filled           INTEGER NOT NULL DEFAULT 0,
    pending          INTEGER NOT NULL DEFAULT 0,
    pay_min          INTEGER NOT NULL,
    pay_max          INTEGER NOT NULL,
    piece_rate       TEXT NOT NULL DEFAULT '',
    overtime_rule    TEXT NOT NULL DEFAULT '',
    pay_day          INTEGER NOT NULL DEFAULT 0,
    probation_months INTEGER NOT NULL DEFAULT 0,
    dorm             BOOLEAN NOT NULL DEFAULT FALSE,
    meals            BOOLEAN NOT NULL DEFAULT FALSE,
    shift            TEXT NOT NULL DEFAULT '',
    social_insurance BOOLEAN NOT NULL DEFAULT FALSE,
    start_date       TEXT NOT NULL,
    closing_date     TEXT NOT NULL,
    district         TEXT NOT NULL,
    street           TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    age_min          INTEGER NOT NULL DEFAULT 0,
    age_max          INTEGER NOT NULL DEFAULT 0,
    description      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    checks           TEXT NOT NULL DEFAULT '[]',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    published_at     BIGINT NOT NULL DEFAULT 0,
    CHECK (filled >= 0 AND filled <= headcount),
    CHECK (pending >= 0)
);
CREATE INDEX postings_employer ON postings (employer_id);
CREATE INDEX postings_status ON postings (status, district);
CREATE INDEX postings_updated ON postings (updated_at);

CREATE TABLE reviews (
    id         {{ID}},
    subject    TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    officer_id BIGINT NOT NULL REFERENCES users (id),
    decision   TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL
);
CREATE INDEX reviews_subject ON reviews (subject, subject_id);

CREATE TABLE applications (
    id          {{ID}},
    seeker_id   BIGINT NOT NULL REFERENCES seekers (id),
    posting_id  BIGINT NOT NULL REFERENCES postings (id),
    state       TEXT NOT NULL,
    offer_start TEXT,
    offer_pay   INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (seeker_id, posting_id)
);
CREATE INDEX applications_posting ON applications (posting_id, state);
CREATE INDEX applications_state ON applications (state);

CREATE TABLE application_events (
    id             {{ID}},
    application_id BIGINT NOT NULL REFERENCES applications (id),
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    actor_id       BIGINT NOT NULL,
    actor_role     TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE audit_log (
    id        {{ID}},
    actor_id  BIGINT NOT NULL,
    seeker_id BIGINT NOT NULL,
    action    TEXT NOT NULL,
    reason    TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX audit_log_seeker ON audit_log (seeker_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE application_events;
DROP TABLE applications;
DROP TABLE reviews;
DROP TABLE postings;
DROP TABLE outbox;
DROP TABLE login_failures;
DROP TABLE login_codes;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE seekers;
DROP TABLE employers;
