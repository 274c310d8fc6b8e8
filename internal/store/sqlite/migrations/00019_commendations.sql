-- +goose Up
-- Commendations (锦旗, 感谢信) a party gives after mediation, with a photo.
CREATE TABLE commendations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    giver       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    photo       BLOB,
    photo_type  TEXT NOT NULL DEFAULT '',
    photo_sha   TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX commendations_case ON commendations(case_id);

-- +goose Down
DROP TABLE commendations;
