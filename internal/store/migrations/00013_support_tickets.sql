-- The after-sales service (internal/support): department members (a user of one of the six
-- departments, optionally for one district, possibly its head); tickets routed to a
-- department by measure or kind and carrying the employer's district; replies, whose
-- outcomes set the ticket's status by precedence (status_rank is raised only by a
-- conditional update); and the reminders and escalations sent at 7, 14 and 21 days
-- (reminded is the deadline level reached, raised only by a conditional update). Times are
-- Unix milliseconds; dates 'YYYY-MM-DD'.

-- +goose Up
CREATE TABLE support_members (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    department TEXT NOT NULL,
    district   TEXT NOT NULL DEFAULT '',
    head       BOOLEAN NOT NULL DEFAULT FALSE,
    added_at   BIGINT NOT NULL
);
CREATE INDEX support_members_department ON support_members (department);

CREATE TABLE support_tickets (
    id           {{ID}},
    employer_id  BIGINT NOT NULL REFERENCES employers (id),
    kind         TEXT NOT NULL CHECK (kind IN ('question', 'measure', 'workers', 'supplies', 'transport')),
    measure      TEXT NOT NULL DEFAULT '',
    department   TEXT NOT NULL,
    district     TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'new'
                 CHECK (status IN ('new', 'in_hand', 'could_not_reach', 'answered_not_helped', 'answered_helped')),
    status_rank  INTEGER NOT NULL DEFAULT 0,
    reminded     INTEGER NOT NULL DEFAULT 0 CHECK (reminded BETWEEN 0 AND 3),
    created_by   BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    closed_at    BIGINT NOT NULL DEFAULT 0,
    received     BOOLEAN,
    received_cny DOUBLE PRECISION,
    received_on  TEXT,
    rating       INTEGER CHECK (rating BETWEEN 1 AND 5)
);
CREATE INDEX support_tickets_employer ON support_tickets (employer_id, id);
CREATE INDEX support_tickets_department ON support_tickets (department, closed_at, id);
CREATE INDEX support_tickets_open ON support_tickets (closed_at, status_rank, created_at);

CREATE TABLE support_replies (
    id         {{ID}},
    ticket_id  BIGINT NOT NULL REFERENCES support_tickets (id),
    department TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    outcome    TEXT NOT NULL CHECK (outcome IN ('in_hand', 'could_not_reach', 'answered_not_helped', 'answered_helped')),
    body       TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX support_replies_ticket ON support_replies (ticket_id, id);

CREATE TABLE support_notices (
    id        {{ID}},
    user_id   BIGINT NOT NULL REFERENCES users (id),
    ticket_id BIGINT NOT NULL REFERENCES support_tickets (id),
    level     INTEGER NOT NULL,
    at        BIGINT NOT NULL,
    seen_at   BIGINT NOT NULL DEFAULT 0,
    UNIQUE (user_id, ticket_id, level)
);

-- +goose Down
DROP TABLE support_notices;
DROP TABLE support_replies;
DROP TABLE support_tickets;
DROP TABLE support_members;
