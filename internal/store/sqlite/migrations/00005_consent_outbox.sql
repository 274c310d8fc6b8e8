-- +goose Up
-- Every SMS the platform sends (the demo sender stops here; a gateway sender records too).
CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY,
    to_mask    TEXT NOT NULL,
    to_hash    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT '',
    case_id    INTEGER,
    provider   TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sms_outbox_created ON sms_outbox(created_at);

-- Each party's consent to mediation (自愿), and separately to mediation online.
CREATE TABLE consents (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    party_kind   TEXT NOT NULL,
    decision     TEXT NOT NULL DEFAULT 'pending',
    online       TEXT NOT NULL DEFAULT '',
    method       TEXT NOT NULL DEFAULT '',
    token_hash   TEXT UNIQUE,
    token_sealed TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER,
    recorded_at  TIMESTAMP,
    requested_at TIMESTAMP NOT NULL,
    reminded_at  TIMESTAMP,
    escalated_at TIMESTAMP,
    PRIMARY KEY (case_id, party_kind)
);

-- +goose Down
DROP TABLE consents;
DROP TABLE sms_outbox;
