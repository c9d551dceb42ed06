-- The daily briefing (internal/briefing): one per day and language, drafted
-- from the providers' items, edited by a writer, approved (and so published)
-- by another officer, corrected after publication. A briefing moves from
-- draft to published only by a conditional update (status = 'draft'), so
-- two editors approving at once publish it once. Every published text is a
-- revision: the body (header, items with their texts, sources, links and
-- frozen figures) as JSON, never rewritten; a correction adds the next one.

-- +goose Up
CREATE TABLE briefings (
    id           {{ID}},
    day          TEXT NOT NULL,
    lang         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    writer_id    BIGINT NOT NULL REFERENCES users (id),
    editor_id    BIGINT REFERENCES users (id),
    version      INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    published_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (day, lang)
);

CREATE TABLE briefing_items (
    id          {{ID}},
    briefing_id BIGINT NOT NULL REFERENCES briefings (id),
    seq         INTEGER NOT NULL,
    provider    TEXT NOT NULL,
    body        TEXT NOT NULL,
    source      TEXT NOT NULL,
    link        TEXT NOT NULL DEFAULT '',
    figures     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX briefing_items_briefing ON briefing_items (briefing_id, seq);

CREATE TABLE briefing_revisions (
    id          {{ID}},
    briefing_id BIGINT NOT NULL REFERENCES briefings (id),
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    by_id       BIGINT NOT NULL REFERENCES users (id),
    at          BIGINT NOT NULL,
    UNIQUE (briefing_id, version)
);

-- +goose Down
DROP TABLE briefing_revisions;
DROP TABLE briefing_items;
DROP TABLE briefings;
