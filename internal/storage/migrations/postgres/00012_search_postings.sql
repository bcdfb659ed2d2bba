-- +goose Up
-- The search index as posting lists: for each word and block of 4,096
-- material ids, the materials that hold the word and in which fields,
-- packed. A row per word and material made the index too large and too
-- slow to build for tens of thousands of materials.
DROP TABLE search_terms;
DROP TABLE search_vocab;
CREATE TABLE search_postings (
    word  TEXT COLLATE "C" NOT NULL,
    block BIGINT NOT NULL,
    ids   BYTEA  NOT NULL,
    PRIMARY KEY (word, block)
);

-- Every word the index has seen, with the forms queries find it by.
-- Words are never taken out: a stale one finds nothing.
CREATE TABLE search_words (
    word  TEXT COLLATE "C" PRIMARY KEY,
    stem  TEXT COLLATE "C" NOT NULL,
    loose TEXT COLLATE "C" NOT NULL,
    tail  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX search_words_stem ON search_words (stem);
CREATE INDEX search_words_loose ON search_words (loose);
CREATE INDEX search_words_tail ON search_words (tail);

-- A counter that every change to what listings and search show moves,
-- so each instance knows when what it keeps in memory is out of date.
-- The triggers run at commit, so the counter's row is locked only for
-- that moment and a reader never sees a new count before the change.
CREATE TABLE content_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO content_state (id, generation) VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_state SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER materials_changed AFTER INSERT OR UPDATE OR DELETE ON materials
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_changed();
CREATE CONSTRAINT TRIGGER material_audiences_changed AFTER INSERT OR UPDATE OR DELETE ON material_audiences
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_changed();
CREATE CONSTRAINT TRIGGER material_grades_changed AFTER INSERT OR UPDATE OR DELETE ON material_grades
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_changed();
CREATE CONSTRAINT TRIGGER material_themes_changed AFTER INSERT OR UPDATE OR DELETE ON material_themes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_changed();

-- +goose Down
DROP TRIGGER material_themes_changed ON material_themes;
DROP TRIGGER material_grades_changed ON material_grades;
DROP TRIGGER material_audiences_changed ON material_audiences;
DROP TRIGGER materials_changed ON materials;
DROP FUNCTION content_changed();
DROP TABLE content_state;
DROP TABLE search_words;
DROP TABLE search_postings;
CREATE TABLE search_terms (
    term        TEXT    COLLATE "C" NOT NULL,
    material_id BIGINT NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    field       BIGINT NOT NULL,
    PRIMARY KEY (term, material_id, field)
);
CREATE INDEX search_terms_material ON search_terms (material_id);
CREATE TABLE search_vocab (
    term TEXT COLLATE "C" PRIMARY KEY
);
