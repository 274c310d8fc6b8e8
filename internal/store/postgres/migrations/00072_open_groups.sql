-- +goose Up
-- A committee's desk lists the group disputes still being handled: those
-- with a member case still open (domain.Status.Open). This index holds only
-- the open cases of groups, so the desk reads what is in hand, not every
-- group a committee ever formed. The statuses are the store's closedStatuses
-- (sqlstore/dedup.go); a query must repeat them for the index to serve it.
CREATE INDEX cases_open_groups ON cases (group_id)
    WHERE group_id IS NOT NULL AND status NOT IN ('rejected', 'terminated', 'withdrawn', 'archived', 'followed_up');
-- A daily report lists the groups a committee formed in its span: read by
-- the committee and the time formed, not by every group of every committee.
CREATE INDEX case_groups_committee_created ON case_groups (committee_id, created_at, id);

-- +goose Down
DROP INDEX case_groups_committee_created;
DROP INDEX cases_open_groups;
