-- +goose Up
-- A user's TOTP second factor. The secret is sealed with the hub's secret
-- key when one is configured (a value starting "v1."), else kept as
-- typed into the app. confirmed_at is NULL while the user is enrolling;
-- last_step is the newest 30-second step a code was accepted for, so a
-- code works once.
CREATE TABLE user_totp (
    user_id      BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret       TEXT    NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT  NOT NULL DEFAULT 0
);

-- One-time recovery codes, only their SHA-256 kept.
CREATE TABLE recovery_codes (
    user_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- The half-logged-in state between a right password and a right code: not
-- a session, it lets its holder try a code for a few minutes only.
CREATE TABLE login_challenges (
    id_hash    TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next       TEXT    NOT NULL DEFAULT '',
    failures   BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
