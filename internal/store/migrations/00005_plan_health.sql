-- A plan keeps its health window, so replanning and late additions apply
-- the window the officer chose.

-- +goose Up
ALTER TABLE plans ADD COLUMN health_hours INTEGER NOT NULL DEFAULT 48;

-- +goose Down
ALTER TABLE plans DROP COLUMN health_hours;
