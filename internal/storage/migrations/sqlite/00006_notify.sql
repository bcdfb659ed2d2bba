-- +goose Up
-- One-time links sent to a user: an invitation or a password reset. Only
-- the SHA-256 of the token is kept.
CREATE TABLE user_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);

-- The in-app inbox.
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    material_id    INTEGER REFERENCES materials (id) ON DELETE CASCADE,
    material_title TEXT    NOT NULL DEFAULT '',
    actor_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name     TEXT    NOT NULL DEFAULT '',
    message        TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    read_at        INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

-- The kinds of notification a user does not want by e-mail.
CREATE TABLE mail_optouts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Mail waiting to be sent, or sent; each has a job of kind "mail".
CREATE TABLE mails (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
);

-- +goose Down
DROP TABLE mails;
DROP TABLE mail_optouts;
DROP TABLE notifications;
DROP TABLE user_tokens;
