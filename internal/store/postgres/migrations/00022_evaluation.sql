-- +goose Up
-- Performance evaluation (绩效评估). Figures are sums of what each case
-- contributes (internal/evaluation Contributions), kept in rollups per day x
-- committee x room x mediator x category x channel, and per month x
-- committee x room x mediator for long periods. Days are 'YYYY-MM-DD'
-- (Shanghai), months 'YYYY-MM'; 0 stands for "none" in the id columns.
--
-- Every event marks its case dirty in its own transaction (eval_dirty); the
-- catch-up takes dirty cases, recomputes their facts from the event log and
-- moves the rollups by the difference, so no committed event is skipped.
CREATE TABLE eval_dirty (
    case_id BIGINT PRIMARY KEY,
    marks   BIGINT NOT NULL DEFAULT 1
);
INSERT INTO eval_dirty (case_id) SELECT id FROM cases;

-- One row per case: its derived facts and exactly what it added to the rollups.
CREATE TABLE eval_facts (
    case_id        BIGINT PRIMARY KEY,
    committee_id   BIGINT NOT NULL,
    room_id        BIGINT NOT NULL,
    mediator_id    BIGINT NOT NULL,
    category       TEXT NOT NULL,
    channel        TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    received_day   TEXT NOT NULL,
    decided_day    TEXT NOT NULL DEFAULT '',
    closure_day    TEXT NOT NULL DEFAULT '',
    follow_up_day  TEXT NOT NULL DEFAULT '',
    overdue_from   TEXT NOT NULL DEFAULT '',
    overdue_until  TEXT NOT NULL DEFAULT '',
    returned_first TEXT NOT NULL DEFAULT '',
    returned_last  TEXT NOT NULL DEFAULT '',
    facts          TEXT NOT NULL,
    contrib        TEXT NOT NULL
);
CREATE INDEX eval_facts_cmt_received ON eval_facts (committee_id, received_day);
CREATE INDEX eval_facts_cmt_decided ON eval_facts (committee_id, decided_day);
CREATE INDEX eval_facts_cmt_closure ON eval_facts (committee_id, closure_day);
CREATE INDEX eval_facts_cmt_follow_up ON eval_facts (committee_id, follow_up_day);
CREATE INDEX eval_facts_cmt_overdue ON eval_facts (committee_id, overdue_from);
CREATE INDEX eval_facts_mediator_closure ON eval_facts (mediator_id, closure_day);

CREATE TABLE eval_day (
    day          TEXT NOT NULL,
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
    PRIMARY KEY (day, committee_id, room_id, mediator_id, category, channel)
);
CREATE INDEX eval_day_committee ON eval_day (committee_id, day);

-- The same per day without category and channel: what every grouping but
-- those two reads (a tenth of the rows of eval_day).
CREATE TABLE eval_day_unit (
    day          TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
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
    PRIMARY KEY (day, committee_id, room_id, mediator_id)
);
CREATE INDEX eval_day_unit_committee ON eval_day_unit (committee_id, day);

CREATE TABLE eval_month (
    month        TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
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
    PRIMARY KEY (month, committee_id, room_id, mediator_id)
);
CREATE INDEX eval_month_committee ON eval_month (committee_id, month);

-- Handling time (working days) per closure day and month, for the median.
CREATE TABLE eval_hist_day (
    day          TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
    wd           BIGINT NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, committee_id, room_id, mediator_id, wd)
);
CREATE INDEX eval_hist_day_committee ON eval_hist_day (committee_id, day);
CREATE TABLE eval_hist_month (
    month        TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    mediator_id  BIGINT NOT NULL,
    wd           BIGINT NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, committee_id, room_id, mediator_id, wd)
);
CREATE INDEX eval_hist_month_committee ON eval_hist_month (committee_id, month);
-- Per committee and month only: a committee's or district's median reads a few rows.
CREATE TABLE eval_hist_committee (
    month        TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    wd           BIGINT NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, committee_id, wd)
);

-- Scoring schemes of a unit (a committee, or a district or the city for all
-- below it; 0 = platform-wide): one row per version; a period is scored under
-- the one in force on its first day at the nearest unit that has one. Edits
-- are new versions or replace a version not yet in force.
CREATE TABLE eval_schemes (
    unit_id        BIGINT NOT NULL DEFAULT 0,
    version        TEXT NOT NULL,
    name           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_by     BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (unit_id, version)
);

-- Published rankings (红榜/黑榜): frozen results; a correction is a new revision.
CREATE TABLE eval_rankings (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    unit_id      BIGINT NOT NULL,
    level        TEXT NOT NULL,
    period       TEXT NOT NULL,
    revision     BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_by BIGINT NOT NULL DEFAULT 0,
    published_at TIMESTAMPTZ NOT NULL,
    UNIQUE (unit_id, level, period, revision)
);

-- +goose Down
DROP TABLE eval_rankings;
DROP TABLE eval_schemes;
DROP TABLE eval_hist_committee;
DROP TABLE eval_hist_month;
DROP TABLE eval_hist_day;
DROP TABLE eval_month;
DROP TABLE eval_day_unit;
DROP TABLE eval_day;
DROP TABLE eval_facts;
DROP TABLE eval_dirty;
