-- Riders of the charter system (internal/charter, riders.go and sites.go):
-- a hire's travel choice (one row per application: own_since > 0 when the
-- hire travels on their own; the row is also what a seat and the choice
-- lock, so the two never hold together), the address of an employer's
-- site beside its coordinates, and a posting's own work site when it
-- differs from its employer's. Owned by the charter system.

-- +goose Up
CREATE TABLE charter_travel (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    seeker_id      BIGINT NOT NULL REFERENCES seekers (id),
    own_since      BIGINT NOT NULL DEFAULT 0,
    set_by         BIGINT NOT NULL DEFAULT 0,
    at             BIGINT NOT NULL
);
CREATE INDEX charter_travel_own ON charter_travel (own_since);

ALTER TABLE employer_points ADD COLUMN address TEXT NOT NULL DEFAULT '';

CREATE TABLE posting_sites (
    posting_id BIGINT PRIMARY KEY REFERENCES postings (id),
    address    TEXT NOT NULL,
    lat        DOUBLE PRECISION NOT NULL,
    lng        DOUBLE PRECISION NOT NULL,
    set_by     BIGINT NOT NULL DEFAULT 0,
    at         BIGINT NOT NULL
);

-- A stop at a posting's own site names the posting (0: the employer's site).
ALTER TABLE charter_stops ADD COLUMN posting_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE charter_stops DROP COLUMN posting_id;
DROP TABLE posting_sites;
ALTER TABLE employer_points DROP COLUMN address;
DROP TABLE charter_travel;
