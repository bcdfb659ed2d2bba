-- +goose Up
-- The schools a contributor writes for.
CREATE TABLE user_schools (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, school_id)
);

-- +goose Down
DROP TABLE user_schools;
