-- +goose Up
-- Times are Unix milliseconds (UTC) in every backend, so they sort and
-- compare the same way everywhere and copy between backends unchanged.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    class        TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    name         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

CREATE TABLE schools (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    logo_id    INTEGER REFERENCES media (id)
);

CREATE TABLE themes (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE setup_tokens (
    token_hash TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    email      TEXT    NOT NULL DEFAULT '',
    role       TEXT    NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE materials (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    slug           TEXT    NOT NULL UNIQUE,
    summary        TEXT    NOT NULL,
    body           TEXT    NOT NULL DEFAULT '',
    school_id      INTEGER REFERENCES schools (id) ON DELETE SET NULL,
    language       TEXT    NOT NULL DEFAULT 'da',
    status         TEXT    NOT NULL,
    featured       INTEGER NOT NULL DEFAULT 0,
    cover_id       INTEGER REFERENCES media (id),
    cover_alt      TEXT    NOT NULL DEFAULT '',
    video_id       INTEGER REFERENCES media (id),
    captions_id    INTEGER REFERENCES media (id),
    poster_id      INTEGER REFERENCES media (id),
    external_url   TEXT    NOT NULL DEFAULT '',
    transcript     TEXT    NOT NULL DEFAULT '',
    link_url       TEXT    NOT NULL DEFAULT '',
    link_publisher TEXT    NOT NULL DEFAULT '',
    search_text    TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    published_at   INTEGER
);
CREATE INDEX materials_status_published ON materials (status, published_at);

CREATE TABLE material_audiences (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    audience    TEXT    NOT NULL,
    PRIMARY KEY (material_id, audience)
);

CREATE TABLE material_grades (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    grade       TEXT    NOT NULL,
    PRIMARY KEY (material_id, grade)
);

CREATE TABLE material_themes (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    theme_id    INTEGER NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    PRIMARY KEY (material_id, theme_id)
);
CREATE INDEX material_themes_theme ON material_themes (theme_id);

CREATE TABLE attachments (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    media_id    INTEGER NOT NULL REFERENCES media (id),
    title       TEXT    NOT NULL,
    PRIMARY KEY (material_id, position)
);

CREATE TABLE slug_redirects (
    old_slug    TEXT    PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE slug_redirects;
DROP TABLE attachments;
DROP TABLE material_themes;
DROP TABLE material_grades;
DROP TABLE material_audiences;
DROP TABLE materials;
DROP TABLE setup_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE themes;
DROP TABLE schools;
DROP TABLE media;
DROP TABLE settings;
