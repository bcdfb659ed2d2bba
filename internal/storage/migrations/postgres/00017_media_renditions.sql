-- +goose Up
-- Smaller copies of an image, in its own format family and in WebP, made
-- by a background job. A rendition is public exactly when its original
-- is; it goes with its original when that is withdrawn or deleted. Any
-- change moves the page version, so a page shows a rendition as soon as
-- it exists.
CREATE TABLE media_renditions (
    key          TEXT    PRIMARY KEY,
    media_id     BIGINT  NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         BIGINT  NOT NULL
);
CREATE INDEX media_renditions_media ON media_renditions (media_id);

CREATE CONSTRAINT TRIGGER media_renditions_page_changed AFTER INSERT OR UPDATE OR DELETE ON media_renditions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();

-- +goose Down
DROP TRIGGER media_renditions_page_changed ON media_renditions;
DROP TABLE media_renditions;
