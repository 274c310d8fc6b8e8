-- +goose Up
-- Personal-data access on record (internal/privacy, issue 16 §3): every
-- reveal of a party's full phone, identity number or address with its
-- purpose; parties' export and deletion requests (PIPL Art. 45, 47, 50) and
-- their decisions; each committee's retention periods; and the runs of the
-- retention sweep that anonymises parties' contact data when they expire.
CREATE TABLE pii_reveals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    party_id    BIGINT NOT NULL REFERENCES parties (id),
    org_path    TEXT NOT NULL,
    field       TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    user_id     BIGINT NOT NULL,
    user_name   TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    client_addr TEXT NOT NULL DEFAULT '',
    revealed_at TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX pii_reveals_path ON pii_reveals (org_path, revealed_at);
CREATE INDEX pii_reveals_case ON pii_reveals (case_id);

CREATE TABLE privacy_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    party_id     BIGINT NOT NULL REFERENCES parties (id),
    committee_id BIGINT NOT NULL REFERENCES org_units (id),
    org_path     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    via          TEXT NOT NULL,
    requested_by BIGINT NOT NULL DEFAULT 0,
    requester    TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    due_on       TEXT NOT NULL,
    decided_by   BIGINT NOT NULL DEFAULT 0,
    decider      TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMP,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX privacy_requests_path ON privacy_requests (org_path, status);
CREATE INDEX privacy_requests_party ON privacy_requests (party_id);

CREATE TABLE privacy_retention (
    committee_id   BIGINT PRIMARY KEY REFERENCES org_units (id),
    closed_years   INTEGER NOT NULL,
    archived_years INTEGER NOT NULL,
    updated_by     BIGINT NOT NULL DEFAULT 0,
    updater        TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE privacy_sweeps (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    ran_at  TIMESTAMP NOT NULL,
    cases   INTEGER NOT NULL,
    parties INTEGER NOT NULL
);

ALTER TABLE parties ADD COLUMN anonymized_at TIMESTAMP;

-- +goose Down
ALTER TABLE parties DROP COLUMN anonymized_at;
DROP TABLE privacy_sweeps;
DROP TABLE privacy_retention;
DROP TABLE privacy_requests;
DROP TABLE pii_reveals;
