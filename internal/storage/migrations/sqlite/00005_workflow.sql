-- +goose Up
-- The editorial workflow: who moved a material when, every saved version,
-- review rounds with their reviewers' verdicts, comment threads, edits of a
-- published material waiting for approval, and consent answers.
ALTER TABLE materials ADD COLUMN version    INTEGER NOT NULL DEFAULT 1;
-- Without a foreign key, which SQLite could not drop again; users are
-- deactivated, never deleted.
ALTER TABLE materials ADD COLUMN created_by INTEGER;
ALTER TABLE materials ADD COLUMN consent    TEXT   NOT NULL DEFAULT '';

ALTER TABLE media ADD COLUMN withdrawn_at INTEGER;

CREATE TABLE material_transitions (
    id          INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    from_status TEXT   NOT NULL,
    to_status   TEXT   NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    message     TEXT   NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);
CREATE INDEX material_transitions_material ON material_transitions (material_id, at);

CREATE TABLE material_revisions (
    id          INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    data        TEXT   NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at          INTEGER NOT NULL,
    UNIQUE (material_id, number)
);

CREATE TABLE review_rounds (
    id          INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    deadline    INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX review_rounds_material ON review_rounds (material_id);

CREATE TABLE review_reviewers (
    round_id    INTEGER NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verdict     TEXT   NOT NULL DEFAULT '',
    message     TEXT   NOT NULL DEFAULT '',
    revision    INTEGER NOT NULL DEFAULT 0,
    answered_at INTEGER,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX review_reviewers_user ON review_reviewers (user_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    round_id    INTEGER REFERENCES review_rounds (id) ON DELETE SET NULL,
    parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    paragraph   INTEGER NOT NULL DEFAULT 0,
    body        TEXT   NOT NULL,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX comments_material ON comments (material_id, created_at);

CREATE TABLE pending_versions (
    material_id INTEGER PRIMARY KEY REFERENCES materials (id) ON DELETE CASCADE,
    data        TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  INTEGER NOT NULL
);

-- +goose Down
DROP TABLE pending_versions;
DROP TABLE comments;
DROP TABLE review_reviewers;
DROP TABLE review_rounds;
DROP TABLE material_revisions;
DROP TABLE material_transitions;
ALTER TABLE media DROP COLUMN withdrawn_at;
ALTER TABLE materials DROP COLUMN consent;
ALTER TABLE materials DROP COLUMN created_by;
ALTER TABLE materials DROP COLUMN version;
