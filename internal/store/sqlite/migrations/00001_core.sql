-- +goose Up
CREATE TABLE org_units (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES org_units(id),
    kind       TEXT NOT NULL,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    abbr       TEXT NOT NULL DEFAULT '',
    path       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE merchants (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT UNIQUE,
    address     TEXT NOT NULL DEFAULT '',
    odr         INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX merchants_name ON merchants(name);

CREATE TABLE room_streets (
    room_id INTEGER NOT NULL REFERENCES org_units(id),
    street  TEXT NOT NULL,
    PRIMARY KEY (room_id, street)
);

CREATE TABLE room_merchants (
    room_id     INTEGER NOT NULL REFERENCES org_units(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    PRIMARY KEY (room_id, merchant_id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMP,
    last_login_at TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE role_bindings (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL,
    org_id  INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (user_id, role, org_id)
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    user_id    INTEGER REFERENCES users(id),
    role       TEXT NOT NULL DEFAULT '',
    org_id     INTEGER REFERENCES org_units(id),
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE case_counters (
    committee_id INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (committee_id, year)
);

CREATE TABLE cases (
    id                 INTEGER PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    year               INTEGER NOT NULL,
    seq                INTEGER NOT NULL,
    committee_id       INTEGER NOT NULL REFERENCES org_units(id),
    room_id            INTEGER REFERENCES org_units(id),
    org_path           TEXT NOT NULL,
    diverted_by_org_id INTEGER REFERENCES org_units(id),
    diverted_by_path   TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    prev_status        TEXT NOT NULL DEFAULT '',
    channel            TEXT NOT NULL,
    category           TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    claim              TEXT NOT NULL DEFAULT '',
    claim_fen          INTEGER NOT NULL DEFAULT 0,
    received_at        TIMESTAMP NOT NULL,
    accepted_at        TIMESTAMP,
    decided_at         TIMESTAMP,
    closed_at          TIMESTAMP,
    reason_code        TEXT NOT NULL DEFAULT '',
    policy_id          INTEGER,
    merchant_id        INTEGER REFERENCES merchants(id),
    merchant_name      TEXT NOT NULL DEFAULT '',
    consumer_name      TEXT NOT NULL DEFAULT '',
    external_id        TEXT UNIQUE,
    court_number       TEXT UNIQUE,
    platform_id        TEXT UNIQUE,
    created_by         INTEGER,
    client_id          TEXT,
    idempotency_key    TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (committee_id, year, seq),
    UNIQUE (client_id, idempotency_key)
);
CREATE INDEX cases_org_received ON cases(org_path, received_at);
CREATE INDEX cases_diverted ON cases(diverted_by_path, received_at);
CREATE INDEX cases_status_received ON cases(status, received_at);
CREATE INDEX cases_received ON cases(received_at);

CREATE TABLE parties (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    phone_sealed TEXT NOT NULL DEFAULT '',
    phone_hash   TEXT NOT NULL DEFAULT '',
    phone_mask   TEXT NOT NULL DEFAULT '',
    id_sealed    TEXT NOT NULL DEFAULT '',
    id_hash      TEXT NOT NULL DEFAULT '',
    id_mask      TEXT NOT NULL DEFAULT '',
    merchant_id  INTEGER REFERENCES merchants(id),
    credit_code  TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX parties_case ON parties(case_id);
CREATE INDEX parties_phone ON parties(phone_hash);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    seq         INTEGER NOT NULL,
    type        TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    reason_code TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    UNIQUE (case_id, seq)
);

-- The event log is append-only.
-- +goose StatementBegin
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE case_events;
DROP TABLE parties;
DROP TABLE cases;
DROP TABLE case_counters;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE role_bindings;
DROP TABLE users;
DROP TABLE room_merchants;
DROP TABLE room_streets;
DROP TABLE merchants;
DROP TABLE org_units;
