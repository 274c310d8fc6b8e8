-- +goose Up
-- Mediation sessions (调解会) and their records (调解笔录).
CREATE TABLE mediation_sessions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'scheduled',
    attendance  TEXT NOT NULL DEFAULT '',
    record      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id);
CREATE INDEX mediation_sessions_starts ON mediation_sessions(starts_at, status);

-- +goose Down
DROP TABLE mediation_sessions;
