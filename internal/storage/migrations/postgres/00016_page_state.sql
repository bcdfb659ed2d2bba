-- +goose Up
-- A counter that moves with every committed change to what a public page
-- can show: published materials and what hangs on them, themes, schools,
-- settings, media files (a withdrawn consent), synonyms and redirects.
-- Rendered public pages are cached under it, so a page is never served
-- from before such a change. Work on drafts leaves it alone. The triggers
-- run at commit and move the counter once per transaction, however many
-- rows it changed.
CREATE TABLE page_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    tx      BIGINT
);
INSERT INTO page_state (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION page_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE page_state SET version = version + 1, tx = txid_current()
    WHERE id = 1 AND tx IS DISTINCT FROM txid_current();
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION page_changed_by_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is NULL on an insert and NEW on a delete.
    IF EXISTS (SELECT 1 FROM materials WHERE status = 'published'
               AND id IN (OLD.material_id, NEW.material_id)) THEN
        UPDATE page_state SET version = version + 1, tx = txid_current()
        WHERE id = 1 AND tx IS DISTINCT FROM txid_current();
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER materials_page_inserted AFTER INSERT ON materials
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status = 'published') EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER materials_page_updated AFTER UPDATE ON materials
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'published' OR NEW.status = 'published') EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER materials_page_deleted AFTER DELETE ON materials
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'published') EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER material_audiences_page_changed AFTER INSERT OR UPDATE OR DELETE ON material_audiences
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed_by_part();
CREATE CONSTRAINT TRIGGER material_grades_page_changed AFTER INSERT OR UPDATE OR DELETE ON material_grades
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed_by_part();
CREATE CONSTRAINT TRIGGER material_themes_page_changed AFTER INSERT OR UPDATE OR DELETE ON material_themes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed_by_part();
CREATE CONSTRAINT TRIGGER attachments_page_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed_by_part();
CREATE CONSTRAINT TRIGGER material_inline_media_page_changed AFTER INSERT OR UPDATE OR DELETE ON material_inline_media
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed_by_part();
CREATE CONSTRAINT TRIGGER media_page_changed AFTER UPDATE OR DELETE ON media
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER themes_page_changed AFTER INSERT OR UPDATE OR DELETE ON themes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER schools_page_changed AFTER INSERT OR UPDATE OR DELETE ON schools
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER settings_page_changed AFTER INSERT OR UPDATE OR DELETE ON settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER search_synonyms_page_changed AFTER INSERT OR UPDATE OR DELETE ON search_synonyms
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER slug_redirects_page_changed AFTER INSERT OR UPDATE OR DELETE ON slug_redirects
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();
CREATE CONSTRAINT TRIGGER old_paths_page_changed AFTER INSERT OR UPDATE OR DELETE ON old_paths
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_changed();

-- +goose Down
DROP TRIGGER old_paths_page_changed ON old_paths;
DROP TRIGGER slug_redirects_page_changed ON slug_redirects;
DROP TRIGGER search_synonyms_page_changed ON search_synonyms;
DROP TRIGGER settings_page_changed ON settings;
DROP TRIGGER schools_page_changed ON schools;
DROP TRIGGER themes_page_changed ON themes;
DROP TRIGGER media_page_changed ON media;
DROP TRIGGER material_inline_media_page_changed ON material_inline_media;
DROP TRIGGER attachments_page_changed ON attachments;
DROP TRIGGER material_themes_page_changed ON material_themes;
DROP TRIGGER material_grades_page_changed ON material_grades;
DROP TRIGGER material_audiences_page_changed ON material_audiences;
DROP TRIGGER materials_page_deleted ON materials;
DROP TRIGGER materials_page_updated ON materials;
DROP TRIGGER materials_page_inserted ON materials;
DROP FUNCTION page_changed_by_part();
DROP FUNCTION page_changed();
DROP TABLE page_state;
