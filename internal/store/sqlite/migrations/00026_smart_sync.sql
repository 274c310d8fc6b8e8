-- +goose Up
-- The smart-mediation platform connector (internal/smartsync). One row per
-- case that a sync job has handled: its state, the platform's id, the digest
-- of the record the platform last accepted. Jobs themselves live in River's
-- tables; this is what the sync page and the reconciliation read.
CREATE TABLE smart_sync (
    case_id      BIGINT PRIMARY KEY REFERENCES cases (id),
    committee_id BIGINT NOT NULL,
    case_code    TEXT NOT NULL,
    state        TEXT NOT NULL,
    platform_id  TEXT NOT NULL DEFAULT '',
    digest       TEXT NOT NULL DEFAULT '',
    revision     INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    synced_at    TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX smart_sync_committee_state ON smart_sync (committee_id, state, case_id);
CREATE UNIQUE INDEX smart_sync_code ON smart_sync (case_code);

-- Organisations and mediators sent to the platform, by code, so a case's
-- references are sent once and again only when they change.
CREATE TABLE smart_refs (
    code        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    digest      TEXT NOT NULL,
    platform_id TEXT NOT NULL DEFAULT '',
    synced_at   TIMESTAMP NOT NULL
);

-- Nightly reconciliation reports, per committee.
CREATE TABLE smart_reconciliations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id BIGINT NOT NULL,
    at           TIMESTAMP NOT NULL,
    ours         INTEGER NOT NULL,
    theirs       INTEGER NOT NULL,
    mismatches   TEXT NOT NULL,
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX smart_reconciliations_committee ON smart_reconciliations (committee_id, id);

-- +goose Down
DROP TABLE smart_reconciliations;
DROP TABLE smart_refs;
DROP TABLE smart_sync;
