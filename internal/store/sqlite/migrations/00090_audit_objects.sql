-- +goose Up
-- The audit search by one object (a case's trail) read the log newest first
-- until it had a page: for a case's few dozen entries, the whole log (issue
-- 17). Each entry's objects (a transaction about several lists them with
-- commas) are now kept one a row, written with the entry, and read by object.
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

-- +goose Down
DROP TABLE audit_objects;
