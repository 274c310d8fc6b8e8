-- +goose Up
-- The audit trail's object index keys the first 200 characters of an
-- entry's objects. One transaction about many objects (a 12315 import's
-- 1,000 cases, a bulk change) lists them all, comma-separated: on
-- PostgreSQL such an entry over about 2.7 kB could not be indexed
-- (btree's row limit) and its transaction failed. A lookup by one object
-- (the previous entry's digest) compares the prefix through the index and
-- then the whole value; a kind's range compares prefixes, which order as
-- the whole values do against bounds shorter than the prefix.
DROP INDEX audit_log_object;
CREATE INDEX audit_log_object ON audit_log (substr(object, 1, 200), seq);

-- +goose Down
DROP INDEX audit_log_object;
CREATE INDEX audit_log_object ON audit_log (object, seq);
