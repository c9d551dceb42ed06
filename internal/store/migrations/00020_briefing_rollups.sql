-- The dashboards' rollups (internal/briefing), kept current from the hiring
-- core's rows by briefing.Refresh, which reads seekers, applications,
-- application_events and postings and writes only these tables. Days are
-- day numbers (days since 1970-01-01 of the Asia/Shanghai calendar), 0 for
-- "never"; so a range of days is a range of integers on both databases.
--
-- briefing_seekers mirrors what the dashboards need of a seeker (to notice a
-- change of registered-poor status); briefing_facts is one row per
-- application with the first day it reached each step of the funnel;
-- briefing_cells (with the distinct seekers who applied, per cell) and
-- briefing_registered are their sums by registration day, county, poor and
-- district, which the dashboards read. The cursors
-- hold the last event and seeker read; a refresh moves them by a
-- conditional update, so no event is ever counted twice.

-- +goose Up
CREATE TABLE briefing_cursors (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE briefing_seekers (
    seeker_id BIGINT PRIMARY KEY,
    reg_day   INTEGER NOT NULL,
    county    TEXT NOT NULL,
    poor      BOOLEAN NOT NULL
);

CREATE TABLE briefing_facts (
    application_id BIGINT PRIMARY KEY,
    seeker_id      BIGINT NOT NULL,
    reg_day        INTEGER NOT NULL,
    county         TEXT NOT NULL,
    poor           BOOLEAN NOT NULL,
    district       TEXT NOT NULL,
    employer_id    BIGINT NOT NULL,
    trade          TEXT NOT NULL,
    applied        INTEGER NOT NULL DEFAULT 0,
    offered        INTEGER NOT NULL DEFAULT 0,
    accepted       INTEGER NOT NULL DEFAULT 0,
    departed       INTEGER NOT NULL DEFAULT 0,
    arrived        INTEGER NOT NULL DEFAULT 0,
    onboarded      INTEGER NOT NULL DEFAULT 0,
    retained_30    INTEGER NOT NULL DEFAULT 0,
    retained_90    INTEGER NOT NULL DEFAULT 0,
    retained_180   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX briefing_facts_seeker ON briefing_facts (seeker_id);
CREATE INDEX briefing_facts_day ON briefing_facts (reg_day, county, district);
CREATE INDEX briefing_facts_employer ON briefing_facts (employer_id, reg_day);
CREATE INDEX briefing_facts_trade ON briefing_facts (trade, reg_day);

CREATE TABLE briefing_cells (
    reg_day      INTEGER NOT NULL,
    county       TEXT NOT NULL,
    poor         BOOLEAN NOT NULL,
    district     TEXT NOT NULL,
    applied      BIGINT NOT NULL DEFAULT 0,
    offered      BIGINT NOT NULL DEFAULT 0,
    accepted     BIGINT NOT NULL DEFAULT 0,
    departed     BIGINT NOT NULL DEFAULT 0,
    arrived      BIGINT NOT NULL DEFAULT 0,
    onboarded    BIGINT NOT NULL DEFAULT 0,
    retained_30  BIGINT NOT NULL DEFAULT 0,
    retained_90  BIGINT NOT NULL DEFAULT 0,
    retained_180 BIGINT NOT NULL DEFAULT 0,
    seekers      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (reg_day, county, poor, district)
);

-- briefing_flow counts, per day, the applications that first reached a step
-- that day: the daily line of arrivals and the day's figures of a briefing.
CREATE TABLE briefing_flow (
    day      INTEGER NOT NULL,
    step     TEXT NOT NULL,
    county   TEXT NOT NULL,
    poor     BOOLEAN NOT NULL,
    district TEXT NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, step, county, poor, district)
);

CREATE TABLE briefing_registered (
    reg_day INTEGER NOT NULL,
    county  TEXT NOT NULL,
    poor    BOOLEAN NOT NULL,
    n       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (reg_day, county, poor)
);

-- +goose Down
DROP TABLE briefing_registered;
DROP TABLE briefing_flow;
DROP TABLE briefing_cells;
DROP TABLE briefing_facts;
DROP TABLE briefing_seekers;
DROP TABLE briefing_cursors;
