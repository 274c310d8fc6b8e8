-- +goose Up
-- The cases overdue at some time of a span (the daily report, each day):
-- those still overdue, and those whose overdue spell ended in the span or
-- after. The index on (committee_id, overdue_from) read every case that had
-- ever been overdue since the first, for every report (issue 17).
CREATE INDEX eval_facts_cmt_overdue_until ON eval_facts (committee_id, overdue_until, overdue_from);
DROP INDEX eval_facts_cmt_overdue;

-- +goose Down
CREATE INDEX eval_facts_cmt_overdue ON eval_facts (committee_id, overdue_from);
DROP INDEX eval_facts_cmt_overdue_until;
