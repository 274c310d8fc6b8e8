-- +goose Up
-- Judicial confirmation (司法确认) applications.
CREATE TABLE judicial_applications (
    case_id       BIGINT PRIMARY KEY REFERENCES cases(id),
    court_id      BIGINT NOT NULL REFERENCES org_units(id),
    status        TEXT NOT NULL,
    receipt       TEXT NOT NULL DEFAULT '',
    ruling_number TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    package       BYTEA NOT NULL,
    submitted_at  TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ
);
CREATE INDEX judicial_applications_court ON judicial_applications(court_id, status);

-- +goose Down
DROP TABLE judicial_applications;
