-- +goose Up
-- The audit search by one object (a case's trail) read the log newest first
-- until it had a page: for a case's few dozen entries, the whole log (issue
-- 17). Each entry's objects (a transaction about several lists them with
-- commas) are now kept one a row, written with the entry, and read by object.
CREATE TABLE audit_objects (
    object TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    PRIMARY KEY (object, seq)
);
INSERT INTO audit_objects (object, seq)
SELECT DISTINCT o, l.seq FROM audit_log l CROSS JOIN LATERAL unnest(string_to_array(l.object, ',')) AS o WHERE l.object <> '' AND o <> '';

-- +goose Down
DROP TABLE audit_objects;
