-- The goodwill system, part 3: counselling courses (online or at a place) with sessions, a
-- counsellor and a capacity. A participant is a nickname and a sealed phone (with its blind
-- index), nothing else: no diagnosis, no story. goodwill_courses.enrolled counts the places
-- taken, raised only by a conditional update (enrolled < capacity) and backed by a CHECK;
-- the others wait in order of joining and the first is promoted when someone cancels.
-- Attendance is a mark per participant and session; exports count, never name.

-- +goose Up
CREATE TABLE goodwill_courses (
    id         {{ID}},
    org_id     BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    title      TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('online', 'place')),
    place      TEXT NOT NULL DEFAULT '',
    counsellor TEXT NOT NULL,
    capacity   INTEGER NOT NULL CHECK (capacity > 0),
    enrolled   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CHECK (enrolled >= 0 AND enrolled <= capacity)
);
CREATE INDEX goodwill_courses_org ON goodwill_courses (org_id, id);

CREATE TABLE goodwill_sessions (
    id          {{ID}},
    course_id   BIGINT NOT NULL REFERENCES goodwill_courses (id),
    starts_at   BIGINT NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    reminded_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX goodwill_sessions_course ON goodwill_sessions (course_id, starts_at);
CREATE INDEX goodwill_sessions_due ON goodwill_sessions (reminded_at, starts_at);

CREATE TABLE goodwill_participants (
    id           {{ID}},
    course_id    BIGINT NOT NULL REFERENCES goodwill_courses (id),
    nickname     TEXT NOT NULL,
    phone_cipher {{BLOB}} NOT NULL,
    phone_hash   TEXT NOT NULL,
    referral     TEXT NOT NULL CHECK (referral IN ('self', 'unit')),
    unit         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('enrolled', 'waiting', 'cancelled')),
    joined_at    BIGINT NOT NULL,
    promoted_at  BIGINT NOT NULL DEFAULT 0,
    cancelled_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX goodwill_participants_once ON goodwill_participants (course_id, phone_hash) WHERE status <> 'cancelled';
CREATE INDEX goodwill_participants_queue ON goodwill_participants (course_id, status, id);

CREATE TABLE goodwill_attendance (
    session_id     BIGINT NOT NULL REFERENCES goodwill_sessions (id),
    participant_id BIGINT NOT NULL REFERENCES goodwill_participants (id),
    at             BIGINT NOT NULL,
    PRIMARY KEY (session_id, participant_id)
);

-- +goose Down
DROP TABLE goodwill_attendance;
DROP TABLE goodwill_participants;
DROP TABLE goodwill_sessions;
DROP TABLE goodwill_courses;
