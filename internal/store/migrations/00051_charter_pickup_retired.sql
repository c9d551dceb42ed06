-- A pickup point can be retired: it is no longer offered for new plans,
-- while the plans and charters that use it keep it. Owned by the charter
-- system (internal/charter, pickups.go).

-- +goose Up
ALTER TABLE pickup_points ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE pickup_points DROP COLUMN retired_at;
