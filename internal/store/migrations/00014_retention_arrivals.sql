-- Arrivals by time: the retention sweep (internal/retention, sweep.go)
-- looks for workers who arrived in a window of days. Without this index it
-- read every arrived or onboarded application and all its events, about a
-- second per query at a million seekers, several times per sweep (issue
-- #11: the demo's 200-day retention walk took most of its load time).
-- Owned by the retention system; a partial index, so it holds only the
-- "arrived" events.

-- +goose Up
CREATE INDEX application_events_arrived ON application_events (at) WHERE to_state = 'arrived';

-- +goose Down
DROP INDEX application_events_arrived;
