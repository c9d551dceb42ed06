-- briefing_delays counts, per cell of briefing_cells, the applications that
-- reached a step (offered, arrived) a number of days after the seeker
-- registered: the medians of the dashboards read it, not a million facts
-- (10 s for the city on the 1M-seeker demo). Kept current by
-- briefing.Refresh with the other rollups; the cursors are cleared so that
-- rollups built before it are built again, chunk by chunk, with it.

-- +goose Up
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
DELETE FROM briefing_cursors;

-- +goose Down
DROP TABLE briefing_delays;
