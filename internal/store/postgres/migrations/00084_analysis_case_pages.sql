-- +goose Up
-- The cases behind a dashboard figure are listed a page at a time in the
-- order of these indexes (received day, then case), a committee's, a
-- merchant's, or several committees' along the days: not by sorting every
-- fact of the window (issue 17).
DROP INDEX analysis_facts_cmt_day;
CREATE INDEX analysis_facts_cmt_day ON analysis_facts (committee_id, day, case_id);
DROP INDEX analysis_facts_merchant;
CREATE INDEX analysis_facts_merchant ON analysis_facts (merchant_key, day, case_id);
CREATE INDEX analysis_facts_day ON analysis_facts (day, case_id);

-- +goose Down
DROP INDEX analysis_facts_day;
DROP INDEX analysis_facts_merchant;
CREATE INDEX analysis_facts_merchant ON analysis_facts (merchant_key, day);
DROP INDEX analysis_facts_cmt_day;
CREATE INDEX analysis_facts_cmt_day ON analysis_facts (committee_id, day);
