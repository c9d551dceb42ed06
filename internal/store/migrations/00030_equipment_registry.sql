-- Shared research equipment (internal/equipment): the institutions that lend and borrow
-- (universities, hospitals, companies, institutes), the people of an institution (a user of
-- role researcher, the institution's lab manager, a reviewing expert, the biosafety level and
-- training certificates they hold, a suspension after no-shows), and the registry of
-- instruments with where they are, how they are shared and the rules of their bookings.
-- Times are Unix milliseconds.

-- +goose Up
CREATE TABLE equipment_institutions (
    id         {{ID}},
    name       TEXT NOT NULL UNIQUE,
    name_en    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('university', 'hospital', 'company', 'institute')),
    district   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE equipment_people (
    user_id         BIGINT PRIMARY KEY REFERENCES users (id),
    institution_id  BIGINT REFERENCES equipment_institutions (id),
    manager         BOOLEAN NOT NULL DEFAULT FALSE,
    expert          BOOLEAN NOT NULL DEFAULT FALSE,
    biosafety       INTEGER NOT NULL DEFAULT 1 CHECK (biosafety BETWEEN 0 AND 4),
    certificates    TEXT NOT NULL DEFAULT '',
    suspended_until BIGINT NOT NULL DEFAULT 0,
    added_at        BIGINT NOT NULL
);
CREATE INDEX equipment_people_institution ON equipment_people (institution_id);

CREATE TABLE equipment_instruments (
    id             {{ID}},
    institution_id BIGINT NOT NULL REFERENCES equipment_institutions (id),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL,
    model          TEXT NOT NULL DEFAULT '',
    district       TEXT NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    lat            DOUBLE PRECISION NOT NULL,
    lng            DOUBLE PRECISION NOT NULL,
    sharing        TEXT NOT NULL CHECK (sharing IN ('open', 'internal', 'out_of_service')),
    out_reason     TEXT NOT NULL DEFAULT '',
    biosafety      INTEGER NOT NULL DEFAULT 0 CHECK (biosafety BETWEEN 0 AND 4),
    certificate    TEXT NOT NULL DEFAULT '',
    fee_per_hour   INTEGER NOT NULL DEFAULT 0 CHECK (fee_per_hour >= 0),
    contact        TEXT NOT NULL DEFAULT '',
    notice_minutes INTEGER NOT NULL DEFAULT 60 CHECK (notice_minutes >= 0),
    min_minutes    INTEGER NOT NULL DEFAULT 30 CHECK (min_minutes > 0),
    max_minutes    INTEGER NOT NULL DEFAULT 480 CHECK (max_minutes >= min_minutes),
    approval       BOOLEAN NOT NULL DEFAULT FALSE,
    keywords       TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (institution_id, code)
);
CREATE INDEX equipment_instruments_category ON equipment_instruments (category, district);
CREATE INDEX equipment_instruments_district ON equipment_instruments (district);

-- +goose Down
DROP TABLE equipment_instruments;
DROP TABLE equipment_people;
DROP TABLE equipment_institutions;
