-- +goose Up
-- Words the editors say mean the same, as groups: "mobbe, mobning,
-- drilleri". A query with one of them also finds the others.
CREATE TABLE search_synonyms (
    id    INTEGER PRIMARY KEY,
    words TEXT NOT NULL
);

-- +goose Down
DROP TABLE search_synonyms;
