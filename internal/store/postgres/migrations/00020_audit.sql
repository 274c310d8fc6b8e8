-- +goose Up
-- The audit trail (审计日志): one entry per committed change, hash-chained.
-- audit_head holds the chain's last hash; its row lock orders concurrent writers.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_id      BIGINT NOT NULL DEFAULT 0,
    actor_name    TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    unit_id       BIGINT NOT NULL DEFAULT 0,
    unit_path     TEXT NOT NULL DEFAULT '' COLLATE "C",
    request_id    TEXT NOT NULL DEFAULT '',
    client_addr   TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    object        TEXT NOT NULL DEFAULT '' COLLATE "C",
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
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_head;
