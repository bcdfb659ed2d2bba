-- +goose Up
-- The search index: every term of every material's title, summary and
-- body (words, stems, loose forms, reversed stems), kept in the same
-- transaction as the material, so every instance reads the same index.
CREATE TABLE search_terms (
    term        TEXT    COLLATE "C" NOT NULL,
    material_id BIGINT NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    field       BIGINT NOT NULL,
    PRIMARY KEY (term, material_id, field)
);
CREATE INDEX search_terms_material ON search_terms (material_id);

-- Every word the index has seen, for finding what a typo meant without
-- reading postings. Words are never taken out: a stale one finds nothing.
CREATE TABLE search_vocab (
    term TEXT COLLATE "C" PRIMARY KEY
);

-- Queries that found nothing, for the editors; nothing about who asked.
CREATE TABLE search_misses (
    query   TEXT   PRIMARY KEY,
    count   BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE search_misses;
DROP TABLE search_vocab;
DROP TABLE search_terms;
