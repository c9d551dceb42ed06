-- Who reported a seeker's health status: 'officer' (an officer of the
-- seeker's region, checked against the person's health code) or 'self'
-- (the seeker in the app). A self-report is shown to officers, marked, and
-- does not pass the charter health gate until an officer confirms it
-- (docs/PIPELINE.md, "Health status"). Owned by the hiring core (store).

-- +goose Up
ALTER TABLE seekers ADD COLUMN health_by TEXT NOT NULL DEFAULT '';
UPDATE seekers SET health_by = 'officer' WHERE health <> '';

-- +goose Down
ALTER TABLE seekers DROP COLUMN health_by;
