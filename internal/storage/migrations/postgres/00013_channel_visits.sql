-- +goose Up
-- Visits that links handed out through a channel (Aula, a newsletter, a
-- QR code, the list widget…) brought to a material, per day in
-- Copenhagen time. Nothing about the visitor is kept: a visit only adds
-- one to its row.
CREATE TABLE channel_visits (
    material_id BIGINT NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    channel     TEXT   COLLATE "C" NOT NULL,
    day         TEXT   COLLATE "C" NOT NULL, -- YYYY-MM-DD
    visits      BIGINT NOT NULL,
    PRIMARY KEY (material_id, channel, day)
);
CREATE INDEX channel_visits_day ON channel_visits (day);

-- +goose Down
DROP TABLE channel_visits;
