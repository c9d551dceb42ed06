-- Point-to-point charters: pickup points, county risk levels, employer
-- site coordinates, plans, charters, their stops and seats. A charter's
-- riders (seats assigned or boarded) are counted in charters.taken, raised
-- only by a conditional update (taken < allowed), so the database never carries more riders than the
-- load factor allows. Times are Unix milliseconds; dates 'YYYY-MM-DD'.

-- +goose Up
CREATE TABLE pickup_points (
    id         {{ID}},
    county     TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX pickup_points_county ON pickup_points (county);

CREATE TABLE county_risk (
    id     {{ID}},
    county TEXT NOT NULL,
    level  TEXT NOT NULL CHECK (level IN ('low', 'medium', 'high')),
    set_by BIGINT NOT NULL DEFAULT 0,
    at     BIGINT NOT NULL
);
CREATE INDEX county_risk_county ON county_risk (county, id);

CREATE TABLE employer_points (
    employer_id BIGINT PRIMARY KEY REFERENCES employers (id),
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    set_by      BIGINT NOT NULL DEFAULT 0,
    at          BIGINT NOT NULL
);

CREATE TABLE plans (
    id              {{ID}},
    day             TEXT NOT NULL,
    pickup_point_id BIGINT NOT NULL REFERENCES pickup_points (id),
    depart_at       BIGINT NOT NULL,
    seats           INTEGER NOT NULL CHECK (seats > 0),
    load_factor     DOUBLE PRECISION NOT NULL CHECK (load_factor > 0 AND load_factor <= 1),
    max_stops       INTEGER NOT NULL DEFAULT 0,
    road_factor     DOUBLE PRECISION NOT NULL,
    status          TEXT NOT NULL DEFAULT 'confirmed',
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX plans_pickup ON plans (pickup_point_id, day);

CREATE TABLE charters (
    id              {{ID}},
    plan_id         BIGINT NOT NULL REFERENCES plans (id),
    number          INTEGER NOT NULL,
    pickup_point_id BIGINT NOT NULL REFERENCES pickup_points (id),
    depart_at       BIGINT NOT NULL,
    km              DOUBLE PRECISION NOT NULL DEFAULT 0,
    seats           INTEGER NOT NULL,
    allowed         INTEGER NOT NULL CHECK (allowed > 0),
    taken           INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'boarding', 'departed', 'arrived', 'cancelled')),
    departed_at     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (plan_id, number),
    CHECK (taken >= 0 AND taken <= allowed)
);
CREATE INDEX charters_plan ON charters (plan_id);

CREATE TABLE charter_stops (
    charter_id  BIGINT NOT NULL REFERENCES charters (id),
    seq         INTEGER NOT NULL,
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    district    TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (charter_id, seq)
);
CREATE INDEX charter_stops_district ON charter_stops (district);

CREATE TABLE charter_seats (
    id             {{ID}},
    charter_id     BIGINT NOT NULL REFERENCES charters (id),
    seat_no        INTEGER NOT NULL,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    seeker_id      BIGINT NOT NULL REFERENCES seekers (id),
    stop_seq       INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'boarded', 'no_show', 'cancelled')),
    boarding_token TEXT NOT NULL UNIQUE,
    notified_at    BIGINT NOT NULL DEFAULT 0,
    boarded_at     BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX charter_seats_active_app ON charter_seats (application_id) WHERE status IN ('assigned', 'boarded');
CREATE UNIQUE INDEX charter_seats_seat_no ON charter_seats (charter_id, seat_no) WHERE status IN ('assigned', 'boarded');
CREATE INDEX charter_seats_charter ON charter_seats (charter_id, seat_no);
CREATE INDEX charter_seats_seeker ON charter_seats (seeker_id);

-- +goose Down
DROP TABLE charter_seats;
DROP TABLE charter_stops;
DROP TABLE charters;
DROP TABLE plans;
DROP TABLE employer_points;
DROP TABLE county_risk;
DROP TABLE pickup_points;
