-- +goose Up
-- Mediation agreements (调解协议), their performance, follow-ups (回访) and archived files (卷宗).
CREATE TABLE agreements (
    case_id        INTEGER PRIMARY KEY REFERENCES cases(id),
    kind           TEXT NOT NULL,
    facts          TEXT NOT NULL,
    responsibility TEXT NOT NULL,
    terms          TEXT NOT NULL,
    effective_at   TIMESTAMP,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL
);
CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    satisfaction INTEGER NOT NULL,
    method       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    commendation TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER,
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_case ON follow_ups(case_id);
CREATE TABLE case_archives (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    file_number TEXT NOT NULL UNIQUE,
    pdf         BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    archived_by INTEGER,
    archived_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE case_archives;
DROP TABLE follow_ups;
DROP TABLE agreements;
