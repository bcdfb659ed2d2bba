-- +goose Up
-- When a published material is to be taken off the site again, if planned.
ALTER TABLE materials ADD COLUMN unpublish_at INTEGER;

-- +goose Down
ALTER TABLE materials DROP COLUMN unpublish_at;
