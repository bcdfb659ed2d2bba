-- +goose Up
-- A counter that moves with every committed change to what a public page
-- can show: published materials and what hangs on them, themes, schools,
-- settings, media files (a withdrawn consent), synonyms and redirects.
-- Rendered public pages are cached under it, so a page is never served
-- from before such a change. Work on drafts leaves it alone.
CREATE TABLE page_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO page_state (id, version) VALUES (1, 0);

-- +goose StatementBegin
CREATE TRIGGER materials_page_inserted AFTER INSERT ON materials
WHEN NEW.status = 'published'
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER materials_page_updated AFTER UPDATE ON materials
WHEN OLD.status = 'published' OR NEW.status = 'published'
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER materials_page_deleted AFTER DELETE ON materials
WHEN OLD.status = 'published'
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_page_inserted AFTER INSERT ON material_audiences
WHEN EXISTS (SELECT 1 FROM materials WHERE id = NEW.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_page_updated AFTER UPDATE ON material_audiences
WHEN EXISTS (SELECT 1 FROM materials WHERE id IN (OLD.material_id, NEW.material_id) AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_audiences_page_deleted AFTER DELETE ON material_audiences
WHEN EXISTS (SELECT 1 FROM materials WHERE id = OLD.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_page_inserted AFTER INSERT ON material_grades
WHEN EXISTS (SELECT 1 FROM materials WHERE id = NEW.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_page_updated AFTER UPDATE ON material_grades
WHEN EXISTS (SELECT 1 FROM materials WHERE id IN (OLD.material_id, NEW.material_id) AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_grades_page_deleted AFTER DELETE ON material_grades
WHEN EXISTS (SELECT 1 FROM materials WHERE id = OLD.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_page_inserted AFTER INSERT ON material_themes
WHEN EXISTS (SELECT 1 FROM materials WHERE id = NEW.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_page_updated AFTER UPDATE ON material_themes
WHEN EXISTS (SELECT 1 FROM materials WHERE id IN (OLD.material_id, NEW.material_id) AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_themes_page_deleted AFTER DELETE ON material_themes
WHEN EXISTS (SELECT 1 FROM materials WHERE id = OLD.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attachments_page_inserted AFTER INSERT ON attachments
WHEN EXISTS (SELECT 1 FROM materials WHERE id = NEW.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attachments_page_updated AFTER UPDATE ON attachments
WHEN EXISTS (SELECT 1 FROM materials WHERE id IN (OLD.material_id, NEW.material_id) AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER attachments_page_deleted AFTER DELETE ON attachments
WHEN EXISTS (SELECT 1 FROM materials WHERE id = OLD.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_inline_media_page_inserted AFTER INSERT ON material_inline_media
WHEN EXISTS (SELECT 1 FROM materials WHERE id = NEW.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_inline_media_page_updated AFTER UPDATE ON material_inline_media
WHEN EXISTS (SELECT 1 FROM materials WHERE id IN (OLD.material_id, NEW.material_id) AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER material_inline_media_page_deleted AFTER DELETE ON material_inline_media
WHEN EXISTS (SELECT 1 FROM materials WHERE id = OLD.material_id AND status = 'published')
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_page_updated AFTER UPDATE ON media
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_page_deleted AFTER DELETE ON media
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER themes_page_inserted AFTER INSERT ON themes
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER themes_page_updated AFTER UPDATE ON themes
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER themes_page_deleted AFTER DELETE ON themes
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER schools_page_inserted AFTER INSERT ON schools
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER schools_page_updated AFTER UPDATE ON schools
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER schools_page_deleted AFTER DELETE ON schools
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_page_inserted AFTER INSERT ON settings
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_page_updated AFTER UPDATE ON settings
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_page_deleted AFTER DELETE ON settings
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_synonyms_page_inserted AFTER INSERT ON search_synonyms
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_synonyms_page_updated AFTER UPDATE ON search_synonyms
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_synonyms_page_deleted AFTER DELETE ON search_synonyms
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER slug_redirects_page_inserted AFTER INSERT ON slug_redirects
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER slug_redirects_page_updated AFTER UPDATE ON slug_redirects
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER slug_redirects_page_deleted AFTER DELETE ON slug_redirects
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER old_paths_page_inserted AFTER INSERT ON old_paths
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER old_paths_page_updated AFTER UPDATE ON old_paths
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER old_paths_page_deleted AFTER DELETE ON old_paths
BEGIN UPDATE page_state SET version = version + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER old_paths_page_deleted;
DROP TRIGGER old_paths_page_updated;
DROP TRIGGER old_paths_page_inserted;
DROP TRIGGER slug_redirects_page_deleted;
DROP TRIGGER slug_redirects_page_updated;
DROP TRIGGER slug_redirects_page_inserted;
DROP TRIGGER search_synonyms_page_deleted;
DROP TRIGGER search_synonyms_page_updated;
DROP TRIGGER search_synonyms_page_inserted;
DROP TRIGGER settings_page_deleted;
DROP TRIGGER settings_page_updated;
DROP TRIGGER settings_page_inserted;
DROP TRIGGER schools_page_deleted;
DROP TRIGGER schools_page_updated;
DROP TRIGGER schools_page_inserted;
DROP TRIGGER themes_page_deleted;
DROP TRIGGER themes_page_updated;
DROP TRIGGER themes_page_inserted;
DROP TRIGGER media_page_deleted;
DROP TRIGGER media_page_updated;
DROP TRIGGER material_inline_media_page_deleted;
DROP TRIGGER material_inline_media_page_updated;
DROP TRIGGER material_inline_media_page_inserted;
DROP TRIGGER attachments_page_deleted;
DROP TRIGGER attachments_page_updated;
DROP TRIGGER attachments_page_inserted;
DROP TRIGGER material_themes_page_deleted;
DROP TRIGGER material_themes_page_updated;
DROP TRIGGER material_themes_page_inserted;
DROP TRIGGER material_grades_page_deleted;
DROP TRIGGER material_grades_page_updated;
DROP TRIGGER material_grades_page_inserted;
DROP TRIGGER material_audiences_page_deleted;
DROP TRIGGER material_audiences_page_updated;
DROP TRIGGER material_audiences_page_inserted;
DROP TRIGGER materials_page_deleted;
DROP TRIGGER materials_page_updated;
DROP TRIGGER materials_page_inserted;
DROP TABLE page_state;
