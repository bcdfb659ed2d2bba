-- +goose Up
-- What imports stored, so that running an import again updates instead
-- of duplicating: each item of a source (its key, such as "post:123")
-- and the material it became, with a hash of what was stored, so an
-- unchanged item is left alone.
CREATE TABLE import_items (
    source      TEXT NOT NULL,
    key         TEXT NOT NULL,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    hash        TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
CREATE INDEX import_items_material ON import_items (material_id);

-- Each media file of a source (its key, such as its URL or path) and the
-- stored file it became, with the SHA-256 of the source's bytes, so a
-- second run reuses the file when the bytes are the same.
CREATE TABLE import_files (
    source   TEXT NOT NULL,
    key      TEXT NOT NULL,
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    hash     TEXT NOT NULL,
    PRIMARY KEY (source, key)
);

-- Addresses imported materials had on the old site, as a normalised path
-- with its sorted query ("/2016/12/trivsel", "/?p=123"), answered with 301
-- while the material is public.
CREATE TABLE old_paths (
    path        TEXT PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE
);
CREATE INDEX old_paths_material ON old_paths (material_id);

-- Images a material's body shows: public exactly when the material is.
CREATE TABLE material_inline_media (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    media_id    INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    PRIMARY KEY (material_id, media_id)
);
CREATE INDEX material_inline_media_media ON material_inline_media (media_id);

-- +goose Down
DROP TABLE material_inline_media;
DROP TABLE old_paths;
DROP TABLE import_files;
DROP TABLE import_items;
