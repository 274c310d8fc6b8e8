-- +goose Up
-- A dashboard filtered by channel (e.g. 12315 only) reads the evaluation
-- rollups that keep the channel, eval_day and eval_month_dim. Their
-- indexes put the day or month right after the committee, so a channel
-- filter read every row of the period and dropped the other channels';
-- these lead with the channel and cover the dashboard's counters, so the
-- read is the channel's rows alone and never visits the wide table. The
-- overdue heat-map's opening balance (every month before the period) has
-- its own partial index: only rows that moved an overdue count.
CREATE INDEX eval_day_channel ON eval_day (committee_id, channel, day, category, room_id,
    received, claim_fen, closed_accepted, out_agreed, out_not_agreed, performed, followed, recovered_fen, overdue_open);
CREATE INDEX eval_month_dim_channel ON eval_month_dim (committee_id, channel, month, category, room_id,
    received, claim_fen, closed_accepted, out_agreed, out_not_agreed, performed, followed, recovered_fen, overdue_open);
CREATE INDEX eval_month_dim_overdue ON eval_month_dim (committee_id, channel, month, category, room_id, overdue_open) WHERE overdue_open <> 0;

-- +goose Down
DROP INDEX eval_month_dim_overdue;
DROP INDEX eval_month_dim_channel;
DROP INDEX eval_day_channel;
