-- +goose Up
-- The cases behind the 退回 deduction of a period (评估 → 案件) are the few
-- ever returned whose returns reach into it: a partial index of those by
-- the last return, not the committee's facts since its first case (issue 17).
CREATE INDEX eval_facts_returned ON eval_facts (committee_id, returned_last) WHERE returned_first <> '';

-- +goose Down
DROP INDEX eval_facts_returned;
