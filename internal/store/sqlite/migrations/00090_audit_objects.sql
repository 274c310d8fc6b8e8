-- +goose Up
-- The audit search by one object (a case's trail) read the log newest first
-- until it had a page: for a case's few dozen entries, the whole log (issue
-- 17). Each entry's objects (a transaction about several lists them with
-- commas) are now kept one a row, filed by a trigger as the entry is written
-- (on every write path, an instance not yet upgraded included), and read by
-- object.
CREATE TABLE audit_objects (
    object TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (object, seq)
) WITHOUT ROWID;
WITH RECURSIVE split(seq, rest, obj) AS (
    SELECT seq, object || ',', '' FROM audit_log WHERE object <> ''
    UNION ALL
    SELECT seq, substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1) FROM split WHERE rest <> ''
)
INSERT INTO audit_objects (object, seq) SELECT DISTINCT obj, seq FROM split WHERE obj <> '';
-- A trigger takes no WITH: the objects are split as a JSON array, built
-- from the value quoted as a JSON string (every escape made) with each
-- comma closing one string and opening the next.
-- +goose StatementBegin
CREATE TRIGGER audit_log_objects AFTER INSERT ON audit_log WHEN new.object <> ''
BEGIN
    INSERT OR IGNORE INTO audit_objects (object, seq)
    SELECT value, new.seq FROM json_each('[' || replace(json_quote(new.object), ',', '","') || ']') WHERE value <> '';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_objects;
DROP TABLE audit_objects;
