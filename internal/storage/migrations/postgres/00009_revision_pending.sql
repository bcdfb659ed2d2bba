-- +goose Up
-- Which revisions were saved as a pending edit of a published material,
-- and in which state: an editor's unsent draft ('draft') is not for
-- reviewers or contributors to read.
ALTER TABLE material_revisions ADD COLUMN pending TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE material_revisions DROP COLUMN pending;
