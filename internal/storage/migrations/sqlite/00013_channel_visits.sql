-- +goose Up
-- Visits that links handed out through a channel (Aula, a newsletter, a
-- QR code, the list widget…) brought to a material, per day in
-- Copenhagen time. Nothing about the visitor is kept: a visit only adds
-- one to its row.
CREATE TABLE channel_visits (
    material_id INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    day         TEXT    NOT NULL, -- YYYY-MM-DD
    visits      INTEGER NOT NULL,
    PRIMARY KEY (material_id, channel, day)
);
CREATE INDEX channel_visits_day ON channel_visits (day);

-- +goose Down
DROP TABLE channel_visits;
