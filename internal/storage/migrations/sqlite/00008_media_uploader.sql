-- +goose Up
-- Who uploaded a file, so that a school's staff can use and see only
-- their own uploads and the files of their own school's materials.
ALTER TABLE media ADD COLUMN uploaded_by INTEGER;

-- +goose Down
ALTER TABLE media DROP COLUMN uploaded_by;
