-- +goose Up
ALTER TABLE materials ADD COLUMN scheduled_at INTEGER;
ALTER TABLE materials ADD COLUMN schedule_problem TEXT NOT NULL DEFAULT '';

-- Work that must happen later, exactly once, whichever instance does it.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,
    dedupe_key    TEXT    NOT NULL UNIQUE,
    material_id   INTEGER REFERENCES materials (id) ON DELETE CASCADE,
    run_at        INTEGER NOT NULL,
    claimed_until INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    done_at       INTEGER
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);

-- +goose Down
DROP TABLE jobs;
ALTER TABLE materials DROP COLUMN schedule_problem;
ALTER TABLE materials DROP COLUMN scheduled_at;
