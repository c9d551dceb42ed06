-- The dashboards (internal/briefing) answer from a snapshot of
-- briefing_facts held in each process's memory (snapshot.go), kept current
-- by revisions: every transaction of the refresh or the first build that
-- writes facts stamps them with a new value of the cursor 'rev', moved in
-- the same transaction, so a process reads only the facts past the
-- revision it holds. The cursor 'epoch' is set when the rollups are built
-- from nothing, so a process notices a rebuild and loads everything again.
--
-- The sums the dashboards read before (briefing_cells, briefing_flow,
-- briefing_delays) are no longer read: the snapshot answers from the facts
-- in one pass. They are dropped rather than kept current (half of the
-- first build's work), and so are the facts' indexes by day, employer and
-- trade, which only those reads used (the first build dropped them and
-- made them again at its end). Facts built before this migration keep
-- revision 0 and are read by a process's first load; the cursors are not
-- cleared.

-- +goose Up
ALTER TABLE briefing_facts ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
CREATE INDEX briefing_facts_rev ON briefing_facts (rev);
INSERT INTO briefing_cursors (name, value) SELECT 'rev', 0 WHERE EXISTS (SELECT 1 FROM briefing_cursors);
DROP TABLE briefing_cells;
DROP TABLE briefing_flow;
DROP TABLE briefing_delays;
DROP INDEX IF EXISTS briefing_facts_day;
DROP INDEX IF EXISTS briefing_facts_employer;
DROP INDEX IF EXISTS briefing_facts_trade;

-- +goose Down
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
CREATE TABLE briefing_flow (
    day      INTEGER NOT NULL,
    step     TEXT NOT NULL,
    county   TEXT NOT NULL,
    poor     BOOLEAN NOT NULL,
    district TEXT NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, step, county, poor, district)
);
CREATE TABLE briefing_delays (
    step     TEXT NOT NULL,
    reg_day  INTEGER NOT NULL,
    county   TEXT NOT NULL,
    poor     BOOLEAN NOT NULL,
    district TEXT NOT NULL,
    days     INTEGER NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (step, reg_day, county, poor, district, days)
);
CREATE INDEX briefing_facts_day ON briefing_facts (reg_day, county, district);
CREATE INDEX briefing_facts_employer ON briefing_facts (employer_id, reg_day);
CREATE INDEX briefing_facts_trade ON briefing_facts (trade, reg_day);
DROP INDEX briefing_facts_rev;
ALTER TABLE briefing_facts DROP COLUMN rev;
-- The sums are built again from nothing by the earlier code.
DELETE FROM briefing_cursors;
