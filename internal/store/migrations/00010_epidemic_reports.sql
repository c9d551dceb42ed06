-- The epidemic system: county daily case reports, kept as append-only
-- versions (a second report for a region and day is a correction; the
-- earlier values stay), the day index pointing at the current version, the
-- officer-set rule that turns reports into a risk level, the overrides of
-- that level (who, why, until when), and the reminders sent. The hand-set
-- levels of county_risk become open-ended overrides.
--
-- A missing value is NULL, never 0. epidemic_days.current_id is NULL only
-- inside the transaction that adds a day's first version: the day's row is
-- written first, so concurrent corrections queue on it and number their
-- versions one after another. Dates are 'YYYY-MM-DD'; times Unix ms.

-- +goose Up
CREATE TABLE epidemic_reports (
    id            {{ID}},
    region        TEXT NOT NULL,
    day           TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    new_confirmed INTEGER CHECK (new_confirmed >= 0),
    new_suspected INTEGER CHECK (new_suspected >= 0),
    in_hospital   INTEGER CHECK (in_hospital >= 0),
    admitted      INTEGER CHECK (admitted >= 0),
    discharged    INTEGER CHECK (discharged >= 0),
    deaths        INTEGER CHECK (deaths >= 0),
    excluded      INTEGER CHECK (excluded >= 0),
    source        TEXT NOT NULL CHECK (source IN ('form', 'import', 'api', 'demo')),
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    note          TEXT NOT NULL DEFAULT '',
    reported_by   BIGINT NOT NULL DEFAULT 0,
    reported_at   BIGINT NOT NULL,
    UNIQUE (region, day, version)
);

CREATE TABLE epidemic_days (
    region     TEXT NOT NULL,
    day        TEXT NOT NULL,
    versions   INTEGER NOT NULL CHECK (versions >= 1),
    current_id BIGINT REFERENCES epidemic_reports (id),
    first_at   BIGINT NOT NULL,
    late       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (region, day)
);
CREATE INDEX epidemic_days_day ON epidemic_days (day, region);

CREATE TABLE epidemic_rules (
    id            {{ID}},
    high_days     INTEGER NOT NULL CHECK (high_days BETWEEN 1 AND 365),
    medium_days   INTEGER NOT NULL CHECK (medium_days BETWEEN 1 AND 365),
    low_days      INTEGER NOT NULL CHECK (low_days BETWEEN 1 AND 365),
    no_reports    TEXT NOT NULL CHECK (no_reports IN ('low', 'medium', 'high')),
    deadline_hour INTEGER NOT NULL CHECK (deadline_hour BETWEEN 0 AND 23),
    set_by        BIGINT NOT NULL DEFAULT 0,
    at            BIGINT NOT NULL
);

CREATE TABLE epidemic_overrides (
    id        {{ID}},
    county    TEXT NOT NULL,
    level     TEXT CHECK (level IN ('low', 'medium', 'high')),
    reason    TEXT NOT NULL DEFAULT '',
    until_day TEXT,
    set_by    BIGINT NOT NULL DEFAULT 0,
    at        BIGINT NOT NULL
);
CREATE INDEX epidemic_overrides_county ON epidemic_overrides (county, id);

INSERT INTO epidemic_overrides (county, level, reason, until_day, set_by, at)
    SELECT county, level, '', NULL, set_by, at FROM county_risk ORDER BY id;
DROP TABLE county_risk;

CREATE TABLE epidemic_reminders (
    region  TEXT NOT NULL,
    day     TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (region, day)
);

-- +goose Down
CREATE TABLE county_risk (
    id     {{ID}},
    county TEXT NOT NULL,
    level  TEXT NOT NULL CHECK (level IN ('low', 'medium', 'high')),
    set_by BIGINT NOT NULL DEFAULT 0,
    at     BIGINT NOT NULL
);
CREATE INDEX county_risk_county ON county_risk (county, id);
INSERT INTO county_risk (county, level, set_by, at)
    SELECT county, level, set_by, at FROM epidemic_overrides WHERE level IS NOT NULL ORDER BY id;
DROP TABLE epidemic_reminders;
DROP TABLE epidemic_overrides;
DROP TABLE epidemic_rules;
DROP TABLE epidemic_days;
DROP TABLE epidemic_reports;
