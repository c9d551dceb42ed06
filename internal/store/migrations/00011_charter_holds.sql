-- Seats on hold: when a county turns high-risk after its riders were
-- seated, the charter system holds their seats (one open hold per seat)
-- and the officers of the county see them; the hold is released when the
-- county is no longer high. Owned by the charter system (internal/charter,
-- hold.go); the number belongs to the epidemic work that needs it.

-- +goose Up
CREATE TABLE charter_holds (
    id          {{ID}},
    seat_id     BIGINT NOT NULL REFERENCES charter_seats (id),
    charter_id  BIGINT NOT NULL REFERENCES charters (id),
    county      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    held_at     BIGINT NOT NULL,
    released_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX charter_holds_open ON charter_holds (seat_id) WHERE released_at = 0;
CREATE INDEX charter_holds_county ON charter_holds (county, released_at);

-- +goose Down
DROP TABLE charter_holds;
