-- +goose Up
-- The running sums (overdue_open: open and overdue at a period's end) summed
-- every month of a committee since 2000 on each scores page and daily report.
-- eval_running keeps each unit's and mediator's sum of all time, moved with
-- eval_month in the same transaction; a running sum to a day is that total
-- less the months and days after it, which for the current period are few
-- (issue 17).
CREATE TABLE eval_running (
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
    overdue_open BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, room_id, mediator_id)
);
CREATE INDEX eval_running_mediator ON eval_running (mediator_id);
INSERT INTO eval_running (committee_id, room_id, mediator_id, overdue_open)
SELECT committee_id, room_id, mediator_id, SUM(overdue_open) FROM eval_month
GROUP BY committee_id, room_id, mediator_id HAVING SUM(overdue_open) <> 0;

-- +goose Down
DROP TABLE eval_running;
