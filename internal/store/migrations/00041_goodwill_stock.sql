-- The goodwill system, part 2: donations and the stock ledger, goodwill packages, campaigns.
--
-- goodwill_moves is the append-only ledger: every movement of goods (received, assembled
-- into packages, distributed, written off, and reversals that correct an earlier entry),
-- each with an idempotency key unique in its organisation. The quantity on hand of a lot
-- (the goods of one item from one donation) or of an assembly (packages put together for a
-- campaign) is the sum of its moves: an entry with a lot_id counts for the lot (an
-- "assembled" one also names the assembly its goods went into), one without for the assembly. goodwill_lots.qty and goodwill_assemblies.on_hand are
-- caches of those sums kept in the same transaction as each move, taken down only by a
-- conditional update (qty >= n) and backed by CHECKs: they hold "never negative" under
-- concurrency on both databases. One package per person per campaign is held by the unique
-- indexes of goodwill_handovers on the blind indexes of the ID number and of the phone.
-- Money is in fen; times are Unix milliseconds.

-- +goose Up
CREATE TABLE goodwill_items (
    id     {{ID}},
    org_id BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    name   TEXT NOT NULL,
    unit   TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, name)
);

CREATE TABLE goodwill_packages (
    id         {{ID}},
    org_id     BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    name       TEXT NOT NULL,
    value_fen  BIGINT NOT NULL CHECK (value_fen >= 0),
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE goodwill_package_items (
    package_id BIGINT NOT NULL REFERENCES goodwill_packages (id),
    item_id    BIGINT NOT NULL REFERENCES goodwill_items (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (package_id, item_id)
);

CREATE TABLE goodwill_campaigns (
    id         {{ID}},
    org_id     BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    name       TEXT NOT NULL,
    target     INTEGER NOT NULL CHECK (target > 0),
    recipient_groups TEXT NOT NULL,
    package_id BIGINT NOT NULL REFERENCES goodwill_packages (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX goodwill_campaigns_org ON goodwill_campaigns (org_id, id);

CREATE TABLE goodwill_points (
    id          {{ID}},
    campaign_id BIGINT NOT NULL REFERENCES goodwill_campaigns (id),
    name        TEXT NOT NULL,
    district    TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX goodwill_points_campaign ON goodwill_points (campaign_id);

CREATE TABLE goodwill_units (
    id          {{ID}},
    campaign_id BIGINT NOT NULL REFERENCES goodwill_campaigns (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('property', 'hospital', 'street_office', 'other')),
    district    TEXT NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE goodwill_donations (
    id          {{ID}},
    org_id      BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    kind        TEXT NOT NULL CHECK (kind IN ('money', 'goods')),
    donor       TEXT NOT NULL,
    earmark     TEXT NOT NULL DEFAULT '',
    campaign_id BIGINT REFERENCES goodwill_campaigns (id),
    amount_fen  BIGINT NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    receipt_no  TEXT NOT NULL UNIQUE,
    idem_key    TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, idem_key)
);
CREATE INDEX goodwill_donations_org ON goodwill_donations (org_id, id);

CREATE TABLE goodwill_lots (
    id          {{ID}},
    org_id      BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    item_id     BIGINT NOT NULL REFERENCES goodwill_items (id),
    donation_id BIGINT NOT NULL REFERENCES goodwill_donations (id),
    earmark     TEXT NOT NULL DEFAULT '',
    campaign_id BIGINT REFERENCES goodwill_campaigns (id),
    qty         BIGINT NOT NULL DEFAULT 0 CHECK (qty >= 0)
);
CREATE INDEX goodwill_lots_item ON goodwill_lots (org_id, item_id, id);
CREATE INDEX goodwill_lots_donation ON goodwill_lots (donation_id);

CREATE TABLE goodwill_assemblies (
    id          {{ID}},
    org_id      BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    campaign_id BIGINT NOT NULL REFERENCES goodwill_campaigns (id),
    package_id  BIGINT NOT NULL REFERENCES goodwill_packages (id),
    count       INTEGER NOT NULL CHECK (count > 0),
    on_hand     INTEGER NOT NULL CHECK (on_hand >= 0 AND on_hand <= count),
    idem_key    TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    UNIQUE (org_id, idem_key)
);
CREATE INDEX goodwill_assemblies_campaign ON goodwill_assemblies (campaign_id, id);

CREATE TABLE goodwill_recipients (
    id           {{ID}},
    campaign_id  BIGINT NOT NULL REFERENCES goodwill_campaigns (id),
    unit_id      BIGINT NOT NULL REFERENCES goodwill_units (id),
    grp          TEXT NOT NULL,
    name_mask    TEXT NOT NULL,
    name_cipher  {{BLOB}} NOT NULL,
    id_hash      TEXT,
    id_cipher    {{BLOB}},
    phone_hash   TEXT,
    phone_cipher {{BLOB}},
    code_hash    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    CHECK (id_hash IS NOT NULL OR phone_hash IS NOT NULL),
    UNIQUE (campaign_id, id_hash),
    UNIQUE (campaign_id, phone_hash)
);
CREATE INDEX goodwill_recipients_unit ON goodwill_recipients (unit_id, id);

CREATE TABLE goodwill_handovers (
    id           {{ID}},
    campaign_id  BIGINT NOT NULL REFERENCES goodwill_campaigns (id),
    recipient_id BIGINT NOT NULL UNIQUE REFERENCES goodwill_recipients (id),
    id_hash      TEXT,
    phone_hash   TEXT,
    point_id     BIGINT NOT NULL REFERENCES goodwill_points (id),
    assembly_id  BIGINT NOT NULL REFERENCES goodwill_assemblies (id),
    method       TEXT NOT NULL CHECK (method IN ('code', 'signature')),
    created_by   BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    UNIQUE (campaign_id, id_hash),
    UNIQUE (campaign_id, phone_hash)
);

CREATE TABLE goodwill_moves (
    id          {{ID}},
    org_id      BIGINT NOT NULL REFERENCES goodwill_orgs (id),
    kind        TEXT NOT NULL CHECK (kind IN ('received', 'assembled', 'distributed', 'written_off', 'reversal')),
    lot_id      BIGINT REFERENCES goodwill_lots (id),
    assembly_id BIGINT REFERENCES goodwill_assemblies (id),
    qty         BIGINT NOT NULL CHECK (qty <> 0),
    handover_id BIGINT REFERENCES goodwill_handovers (id),
    reverses    BIGINT UNIQUE REFERENCES goodwill_moves (id),
    reason      TEXT NOT NULL DEFAULT '',
    idem_key    TEXT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    CHECK (lot_id IS NOT NULL OR assembly_id IS NOT NULL),
    UNIQUE (org_id, idem_key)
);
CREATE INDEX goodwill_moves_lot ON goodwill_moves (lot_id);
CREATE INDEX goodwill_moves_assembly ON goodwill_moves (assembly_id);
CREATE INDEX goodwill_moves_org ON goodwill_moves (org_id, id);

-- +goose Down
DROP TABLE goodwill_moves;
DROP TABLE goodwill_handovers;
DROP TABLE goodwill_recipients;
DROP TABLE goodwill_assemblies;
DROP TABLE goodwill_lots;
DROP TABLE goodwill_donations;
DROP TABLE goodwill_units;
DROP TABLE goodwill_points;
DROP TABLE goodwill_campaigns;
DROP TABLE goodwill_package_items;
DROP TABLE goodwill_packages;
DROP TABLE goodwill_items;
