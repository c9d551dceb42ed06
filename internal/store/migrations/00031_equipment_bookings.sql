-- Bookings of shared instruments and the uses recorded at check-in (internal/equipment).
-- No two holding bookings of one instrument overlap: every transaction that makes a booking
-- hold first locks the instrument's row (store.LockRows), then looks for an overlapping
-- holding booking, then inserts; see docs/EQUIPMENT.md. A booking not checked in within an
-- hour of its start becomes no_show (the queue's equipment_release). Usage rows are the record
-- the "use first, subsidise after" scheme pays on. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE equipment_bookings (
    id            {{ID}},
    instrument_id BIGINT NOT NULL REFERENCES equipment_instruments (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    project       TEXT NOT NULL,
    emergency     BOOLEAN NOT NULL DEFAULT FALSE,
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'checked_in', 'completed',
                  'cancelled', 'rejected', 'no_show', 'lapsed')),
    holds         BOOLEAN NOT NULL DEFAULT TRUE,
    checked_in_at BIGINT NOT NULL DEFAULT 0,
    decided_by    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX equipment_bookings_instrument ON equipment_bookings (instrument_id, holds, start_at);
CREATE INDEX equipment_bookings_user ON equipment_bookings (user_id, start_at);
CREATE INDEX equipment_bookings_status ON equipment_bookings (status, start_at);

CREATE TABLE equipment_usage (
    id            {{ID}},
    booking_id    BIGINT NOT NULL UNIQUE REFERENCES equipment_bookings (id),
    instrument_id BIGINT NOT NULL REFERENCES equipment_instruments (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    operator      TEXT NOT NULL,
    project       TEXT NOT NULL,
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL DEFAULT 0,
    fee           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX equipment_usage_instrument ON equipment_usage (instrument_id, start_at);

-- +goose Down
DROP TABLE equipment_usage;
DROP TABLE equipment_bookings;
