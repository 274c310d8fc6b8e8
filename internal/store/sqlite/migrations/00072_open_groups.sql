-- +goose Up
-- A committee's desk lists the group disputes still being handled: those
-- with a member case still open (domain.Status.Open). This index holds only
-- the open cases of groups, so the desk reads what is in hand, not every
-- group a committee ever formed. The statuses are the store's closedStatuses
-- (sqlstore/dedup.go); a query must repeat them for the index to serve it.
CREATE INDEX cases_open_groups ON cases (group_id)
    WHERE group_id IS NOT NULL AND status NOT IN ('rejected', 'terminated', 'withdrawn', 'archived', 'followed_up');

-- +goose Down
DROP INDEX cases_open_groups;
