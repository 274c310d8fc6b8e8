-- +goose Up
-- The retention sweep (daily) read the oldest 5,000 closed cases that still
-- had contact data and kept those past their period. Archived cases, kept
-- longer, sat at the front of that list until their own period passed, so
-- past 5,000 of them the cases already due behind them were never reached;
-- and each run probed every case ever closed, erased or not (issue 17). A
-- case now says its parties' contact data is erased (pii_erased, set by the
-- sweep's erasure), and the sweep reads each committee's cases that are due,
-- oldest closed first, by the index of those not yet erased.
ALTER TABLE cases ADD COLUMN pii_erased INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET pii_erased = 1 WHERE closed_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM parties p WHERE p.case_id = cases.id AND p.anonymized_at IS NULL);
CREATE INDEX cases_retention ON cases (committee_id, closed_at, id) WHERE closed_at IS NOT NULL AND pii_erased = 0;

-- +goose Down
DROP INDEX cases_retention;
ALTER TABLE cases DROP COLUMN pii_erased;
