-- +goose Up
-- Attempts counted against the login and password-link limits, shared by
-- every instance of a hub. A row counts the attempts of one hashed key in
-- one limit (the bucket) during the fixed window that ends at window_end
-- (Unix milliseconds). Rows whose window has ended are pruned by
-- housekeeping.
CREATE TABLE rate_limits (
    bucket     TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL,
    window_end BIGINT  NOT NULL,
    attempts   INTEGER NOT NULL,
    PRIMARY KEY (bucket, key_hash, window_end)
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);

-- +goose Down
DROP TABLE rate_limits;
