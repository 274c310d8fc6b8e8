-- +goose Up
-- Ordered, editable routing rules per committee (分流).
CREATE TABLE routing_rules (
    id           INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES org_units(id),
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    room_id      INTEGER REFERENCES org_units(id),
    categories   TEXT NOT NULL DEFAULT '[]',
    keywords     TEXT NOT NULL DEFAULT '[]',
    note         TEXT NOT NULL DEFAULT '',
    updated_by   INTEGER,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX routing_rules_committee ON routing_rules(committee_id, position);

-- Why a case is where it is: the last routing decision.
ALTER TABLE cases ADD COLUMN route_rule_id INTEGER;
ALTER TABLE cases ADD COLUMN route_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN route_reason TEXT NOT NULL DEFAULT '';

-- 12315 imports: one row per uploaded file, with its outcome and error report.
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES org_units(id),
    office_id   INTEGER REFERENCES org_units(id),
    filename    TEXT NOT NULL,
    uploaded_by INTEGER,
    status      TEXT NOT NULL,
    total       INTEGER NOT NULL DEFAULT 0,
    imported    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    report      BLOB,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- +goose Down
DROP TABLE import_batches;
ALTER TABLE cases DROP COLUMN route_reason;
ALTER TABLE cases DROP COLUMN route_kind;
ALTER TABLE cases DROP COLUMN route_rule_id;
DROP TABLE routing_rules;
