-- +goose Up
-- A hot list reads the previous window and the same window last year only
-- for the merchants it can show (internal/analysis hotCounts): these
-- indexes lead with the merchant so each is a short seek, and cover every
-- column a filter or a sum needs, so the table is never visited.
CREATE INDEX analysis_day_subject ON analysis_day (committee_id, merchant_key, day, room_id, channel, category, street, received, claim_fen);
CREATE INDEX analysis_month_subject ON analysis_month (committee_id, merchant_key, month, room_id, street, received, claim_fen);

-- The evaluation counters per month with category and channel, as eval_day
-- holds them per day: a dashboard filtered by channel or category reads
-- whole months here instead of every day since the first case (the overdue
-- heat-map's opening balance, the funnel, the amounts). Maintained with the
-- other evaluation rollups in the catch-up's transaction.
CREATE TABLE eval_month_dim (
    month        TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
    category     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    claim_fen BIGINT NOT NULL DEFAULT 0,
    diverted BIGINT NOT NULL DEFAULT 0,
    entered BIGINT NOT NULL DEFAULT 0,
    entry_wd0 BIGINT NOT NULL DEFAULT 0,
    entry_wd1 BIGINT NOT NULL DEFAULT 0,
    entry_wd2 BIGINT NOT NULL DEFAULT 0,
    entry_wd3 BIGINT NOT NULL DEFAULT 0,
    entry_wd4 BIGINT NOT NULL DEFAULT 0,
    entry_wd5 BIGINT NOT NULL DEFAULT 0,
    decided BIGINT NOT NULL DEFAULT 0,
    decided_on_time BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    mediated BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    closed_accepted BIGINT NOT NULL DEFAULT 0,
    closed_on_time BIGINT NOT NULL DEFAULT 0,
    closed_late BIGINT NOT NULL DEFAULT 0,
    out_rejected BIGINT NOT NULL DEFAULT 0,
    out_agreed BIGINT NOT NULL DEFAULT 0,
    out_not_agreed BIGINT NOT NULL DEFAULT 0,
    out_terminated BIGINT NOT NULL DEFAULT 0,
    out_withdrawn BIGINT NOT NULL DEFAULT 0,
    out_odr_settled BIGINT NOT NULL DEFAULT 0,
    out_merged BIGINT NOT NULL DEFAULT 0,
    agreed_oral BIGINT NOT NULL DEFAULT 0,
    agreed_written BIGINT NOT NULL DEFAULT 0,
    agreed_fen BIGINT NOT NULL DEFAULT 0,
    recovered_fen BIGINT NOT NULL DEFAULT 0,
    performed BIGINT NOT NULL DEFAULT 0,
    followed BIGINT NOT NULL DEFAULT 0,
    sat1 BIGINT NOT NULL DEFAULT 0,
    sat2 BIGINT NOT NULL DEFAULT 0,
    sat3 BIGINT NOT NULL DEFAULT 0,
    sat4 BIGINT NOT NULL DEFAULT 0,
    sat5 BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    handling_n BIGINT NOT NULL DEFAULT 0,
    handling_wd BIGINT NOT NULL DEFAULT 0,
    judicial BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    fu_sat1 BIGINT NOT NULL DEFAULT 0,
    fu_sat2 BIGINT NOT NULL DEFAULT 0,
    fu_sat3 BIGINT NOT NULL DEFAULT 0,
    fu_sat4 BIGINT NOT NULL DEFAULT 0,
    fu_sat5 BIGINT NOT NULL DEFAULT 0,
    banners BIGINT NOT NULL DEFAULT 0,
    letters BIGINT NOT NULL DEFAULT 0,
    thanks_other BIGINT NOT NULL DEFAULT 0,
    overdue_open BIGINT NOT NULL DEFAULT 0,
    parties BIGINT NOT NULL DEFAULT 0,
    parties3 BIGINT NOT NULL DEFAULT 0,
    mental_fen BIGINT NOT NULL DEFAULT 0,
    punitive_fen BIGINT NOT NULL DEFAULT 0,
    prev_escalation BIGINT NOT NULL DEFAULT 0,
    prev_suicide BIGINT NOT NULL DEFAULT 0,
    prev_criminal BIGINT NOT NULL DEFAULT 0,
    prev_petition BIGINT NOT NULL DEFAULT 0,
    prev_incident BIGINT NOT NULL DEFAULT 0,
    judicial_applied BIGINT NOT NULL DEFAULT 0,
    annulled BIGINT NOT NULL DEFAULT 0,
    leads BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, committee_id, room_id, mediator_id, category, channel)
);
CREATE INDEX eval_month_dim_committee ON eval_month_dim (committee_id, month, channel, category, room_id);
INSERT INTO eval_month_dim (month, committee_id, room_id, mediator_id, category, channel, received, claim_fen, diverted, entered, entry_wd0, entry_wd1, entry_wd2, entry_wd3, entry_wd4, entry_wd5, decided, decided_on_time, accepted, mediated, closed, closed_accepted, closed_on_time, closed_late, out_rejected, out_agreed, out_not_agreed, out_terminated, out_withdrawn, out_odr_settled, out_merged, agreed_oral, agreed_written, agreed_fen, recovered_fen, performed, followed, sat1, sat2, sat3, sat4, sat5, archived, handling_n, handling_wd, judicial, returned, fu_sat1, fu_sat2, fu_sat3, fu_sat4, fu_sat5, banners, letters, thanks_other, overdue_open, parties, parties3, mental_fen, punitive_fen, prev_escalation, prev_suicide, prev_criminal, prev_petition, prev_incident, judicial_applied, annulled, leads)
SELECT substr(day, 1, 7), committee_id, room_id, mediator_id, category, channel, SUM(received), SUM(claim_fen), SUM(diverted), SUM(entered), SUM(entry_wd0), SUM(entry_wd1), SUM(entry_wd2), SUM(entry_wd3), SUM(entry_wd4), SUM(entry_wd5), SUM(decided), SUM(decided_on_time), SUM(accepted), SUM(mediated), SUM(closed), SUM(closed_accepted), SUM(closed_on_time), SUM(closed_late), SUM(out_rejected), SUM(out_agreed), SUM(out_not_agreed), SUM(out_terminated), SUM(out_withdrawn), SUM(out_odr_settled), SUM(out_merged), SUM(agreed_oral), SUM(agreed_written), SUM(agreed_fen), SUM(recovered_fen), SUM(performed), SUM(followed), SUM(sat1), SUM(sat2), SUM(sat3), SUM(sat4), SUM(sat5), SUM(archived), SUM(handling_n), SUM(handling_wd), SUM(judicial), SUM(returned), SUM(fu_sat1), SUM(fu_sat2), SUM(fu_sat3), SUM(fu_sat4), SUM(fu_sat5), SUM(banners), SUM(letters), SUM(thanks_other), SUM(overdue_open), SUM(parties), SUM(parties3), SUM(mental_fen), SUM(punitive_fen), SUM(prev_escalation), SUM(prev_suicide), SUM(prev_criminal), SUM(prev_petition), SUM(prev_incident), SUM(judicial_applied), SUM(annulled), SUM(leads)
FROM eval_day GROUP BY substr(day, 1, 7), committee_id, room_id, mediator_id, category, channel;

-- The dashboard's counters (intake, funnel, amounts, overdue) covered, so
-- the days around whole months are read from the index alone rather than
-- from eval_day's wide rows one lookup at a time.
CREATE INDEX eval_day_dashboard ON eval_day (committee_id, day, channel, category, room_id,
    received, claim_fen, closed_accepted, out_agreed, out_not_agreed, performed, followed, recovered_fen, overdue_open);
CREATE INDEX eval_day_unit_dashboard ON eval_day_unit (committee_id, day, room_id,
    received, claim_fen, closed_accepted, out_agreed, out_not_agreed, performed, followed, recovered_fen, overdue_open);

-- +goose Down
DROP INDEX eval_day_unit_dashboard;
DROP INDEX eval_day_dashboard;
DROP TABLE eval_month_dim;
DROP INDEX analysis_month_subject;
DROP INDEX analysis_day_subject;
