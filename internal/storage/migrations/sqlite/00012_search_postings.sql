-- +goose Up
-- The search index as posting lists: for each word and block of 4,096
-- material ids, the materials that hold the word and in which fields,
-- packed. A row per word and material made the index too large and too
-- slow to build for tens of thousands of materials.
DROP TABLE search_terms;
DROP TABLE search_vocab;
CREATE TABLE search_postings (
    word  TEXT    NOT NULL,
    block INTEGER NOT NULL,
    ids   BLOB    NOT NULL,
    PRIMARY KEY (word, block)
) WITHOUT ROWID; -- kept in key order: a word's rows are read together

-- Every word the index has seen, with the forms queries find it by.
-- Words are never taken out: a stale one finds nothing.
CREATE TABLE search_words (
    word  TEXT PRIMARY KEY,
    stem  TEXT NOT NULL,
    loose TEXT NOT NULL,
    tail  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX search_words_stem ON search_words (stem);
CREATE INDEX search_words_loose ON search_words (loose);
CREATE INDEX search_words_tail ON search_words (tail);

-- A counter that every change to what listings and search show moves,
-- so each instance knows when what it keeps in memory is out of date.
CREATE TABLE content_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO content_state (id, generation) VALUES (1, 0);

-- +goose StatementBegin
CREATE TRIGGER materials_inserted AFTER INSERT ON materials
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER materials_updated AFTER UPDATE ON materials
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER materials_deleted AFTER DELETE ON materials
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_inserted AFTER INSERT ON material_audiences
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_deleted AFTER DELETE ON material_audiences
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_inserted AFTER INSERT ON material_grades
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_deleted AFTER DELETE ON material_grades
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_inserted AFTER INSERT ON material_themes
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_deleted AFTER DELETE ON material_themes
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_updated AFTER UPDATE ON material_audiences
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_updated AFTER UPDATE ON material_grades
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_updated AFTER UPDATE ON material_themes
BEGIN UPDATE content_state SET generation = generation + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER material_themes_updated;
DROP TRIGGER material_grades_updated;
DROP TRIGGER material_audiences_updated;
DROP TRIGGER material_themes_deleted;
DROP TRIGGER material_themes_inserted;
DROP TRIGGER material_grades_deleted;
DROP TRIGGER material_grades_inserted;
DROP TRIGGER material_audiences_deleted;
DROP TRIGGER material_audiences_inserted;
DROP TRIGGER materials_deleted;
DROP TRIGGER materials_updated;
DROP TRIGGER materials_inserted;
DROP TABLE content_state;
DROP TABLE search_words;
DROP TABLE search_postings;
CREATE TABLE search_terms (
    term        TEXT    NOT NULL,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    field       INTEGER NOT NULL,
    PRIMARY KEY (term, material_id, field)
);
CREATE INDEX search_terms_material ON search_terms (material_id);
CREATE TABLE search_vocab (
    term TEXT PRIMARY KEY
);
