-- Invitations to apply (the hiring core): an employer invites a candidate
-- from a posting's ranked list, by an opaque reference, without learning who
-- they are; the seeker sees the invitation and applies (the normal Apply,
-- which marks it applied) or declines. One invitation per posting and
-- seeker, ever (a declined one is not sent again); invitation_quota counts
-- an employer's invitations of a day (Asia/Shanghai), raised by a
-- conditional upsert in the inviting transaction so the daily limit holds
-- under concurrency. Times are Unix milliseconds.

-- +goose Up
CREATE TABLE invitations (
    id          {{ID}},
    posting_id  BIGINT NOT NULL REFERENCES postings (id),
    seeker_id   BIGINT NOT NULL REFERENCES seekers (id),
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    invited_by  BIGINT NOT NULL REFERENCES users (id),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'declined')),
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invitations_posting_seeker ON invitations (posting_id, seeker_id);
CREATE INDEX invitations_seeker ON invitations (seeker_id, status);

CREATE TABLE invitation_quota (
    employer_id BIGINT NOT NULL REFERENCES employers (id),
    day         TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (employer_id, day)
);

-- +goose Down
DROP TABLE invitation_quota;
DROP TABLE invitations;
