-- Hardening and privacy (security review, issue #10).
--
-- One open offer per seeker: a partial unique index over the applications
-- in state 'offered', whatever path made the offer (an employer, an
-- officer, a match day). Both databases support partial indexes; the demo
-- data never holds two (a seeker holds at most one place there).
--
-- Resumable imports: import_progress records, in each row's own write
-- transaction, which row of an import was written and as what; a "valid
-- rows only" import that stops half-way continues where it stopped and
-- never writes a row twice (the primary key refuses it). The rows stay in
-- imports.rows_json until the import is finished.
--
-- Employers' contact phones are personal data, sealed at rest like a
-- seeker's phone (AES-256-GCM, in contact_phone_cipher). SQL cannot seal, so
-- this migration only adds the column; the Go step Store.SealContactPhones,
-- run by every start of the server right after migrating (app.Open, which
-- holds the data key), seals the phones still in contact_phone and empties
-- it. `easyjob migrate` alone does not: it may run without the server's key.
-- Nobody looks employers up by phone, so there is no blind index.

-- +goose Up
CREATE UNIQUE INDEX applications_one_offer ON applications (seeker_id) WHERE state = 'offered';

CREATE TABLE import_progress (
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL,
    record_id BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (import_id, row_index)
);

ALTER TABLE employers ADD COLUMN contact_phone_cipher {{BLOB}};

-- +goose Down
-- Phones already sealed stay sealed: only easyjob (with its key) can open
-- them, so the column is kept.
DROP TABLE import_progress;
DROP INDEX applications_one_offer;
