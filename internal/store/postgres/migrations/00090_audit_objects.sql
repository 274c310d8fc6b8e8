-- +goose Up
-- The audit search by one object (a case's trail) read the log newest first
-- until it had a page: for a case's few dozen entries, the whole log (issue
-- 17). Each entry's objects (a transaction about several lists them with
-- commas) are now kept one a row, filed by a trigger as the entry is written
-- (on every write path, an instance not yet upgraded included), and read by
-- object.
CREATE TABLE audit_objects (
    object TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    PRIMARY KEY (object, seq)
);
INSERT INTO audit_objects (object, seq)
SELECT DISTINCT o, l.seq FROM audit_log l CROSS JOIN LATERAL unnest(string_to_array(l.object, ',')) AS o WHERE l.object <> '' AND o <> '';
-- +goose StatementBegin
CREATE FUNCTION audit_log_objects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_objects (object, seq)
    SELECT DISTINCT o, NEW.seq FROM unnest(string_to_array(NEW.object, ',')) AS o WHERE o <> ''
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_objects AFTER INSERT ON audit_log
FOR EACH ROW WHEN (NEW.object <> '') EXECUTE FUNCTION audit_log_objects();

-- +goose Down
DROP TRIGGER audit_log_objects ON audit_log;
DROP FUNCTION audit_log_objects();
DROP TABLE audit_objects;
