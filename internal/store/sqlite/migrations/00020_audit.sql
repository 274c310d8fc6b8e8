-- +goose Up
-- The audit trail (审计日志): one entry per committed change, hash-chained.
-- audit_head holds the chain's last hash; updating it orders concurrent writers.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_id      INTEGER NOT NULL DEFAULT 0,
    actor_name    TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    unit_id       INTEGER NOT NULL DEFAULT 0,
    unit_path     TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    client_addr   TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    object        TEXT NOT NULL DEFAULT '',
    before_digest TEXT NOT NULL DEFAULT '',
    after_digest  TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object, seq);
CREATE INDEX audit_log_actor ON audit_log(actor_name, seq);
CREATE INDEX audit_log_unit ON audit_log(unit_path, seq);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_head;
