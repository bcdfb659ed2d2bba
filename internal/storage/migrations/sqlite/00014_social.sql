-- +goose Up
-- The social channels the hub posts to: a Facebook Page (target: its
-- id), a LinkedIn organisation page (target: its URN) or a channel the
-- editors post to by hand (no target, no token). The token is sealed
-- with the hub's secret key and never shown again.
CREATE TABLE social_channels (
    id               INTEGER PRIMARY KEY,
    platform         TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    target           TEXT    NOT NULL DEFAULT '',
    url              TEXT    NOT NULL DEFAULT '',
    token            TEXT    NOT NULL DEFAULT '',
    token_expires_at INTEGER,
    warned_for       INTEGER,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX social_channels_target ON social_channels (platform, target) WHERE target <> '';

-- A post of a material on a channel, sent by the job runner (mode api)
-- or by an editor (mode hand). run_at NULL: when the material is
-- published. state: planned, sending, sent, failed or unknown.
CREATE TABLE social_posts (
    id          INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL REFERENCES social_channels (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    mode        TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    run_at      INTEGER,
    site_url    TEXT    NOT NULL,
    remote_id   TEXT    NOT NULL DEFAULT '',
    remote_url  TEXT    NOT NULL DEFAULT '',
    problem     TEXT    NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    sending_at  INTEGER,
    sent_at     INTEGER
);
CREATE INDEX social_posts_material ON social_posts (material_id, id);
CREATE INDEX social_posts_channel ON social_posts (channel_id);

-- An admin's connection to a platform in progress: the OAuth state
-- (hashed) bound to the session that started it, then the pages or
-- organisations to choose from, sealed.
CREATE TABLE social_grants (
    id           INTEGER PRIMARY KEY,
    state_hash   TEXT    NOT NULL UNIQUE,
    session_hash TEXT    NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform     TEXT    NOT NULL,
    choices      TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE social_grants;
DROP TABLE social_posts;
DROP TABLE social_channels;
