-- +goose Up
-- Smaller copies of an image, in its own format family and in WebP, made
-- by a background job. A rendition is public exactly when its original
-- is; it goes with its original when that is withdrawn or deleted. Any
-- change moves the page version, so a page shows a rendition as soon as
-- it exists.
CREATE TABLE media_renditions (
    key          TEXT    PRIMARY KEY,
    media_id     INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         INTEGER NOT NULL
);
CREATE INDEX media_renditions_media ON media_renditions (media_id);

-- +goose StatementBegin
CREATE TRIGGER media_renditions_page_inserted AFTER INSERT ON media_renditions
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_renditions_page_updated AFTER UPDATE ON media_renditions
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_renditions_page_deleted AFTER DELETE ON media_renditions
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER media_renditions_page_deleted;
DROP TRIGGER media_renditions_page_updated;
DROP TRIGGER media_renditions_page_inserted;
DROP TABLE media_renditions;
