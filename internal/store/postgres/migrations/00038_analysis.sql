-- +goose Up
-- 分析研判 (hot-spot analysis). What the evaluation rollups do not hold — the
-- merchant and the street or town (街镇) of each complaint — is kept in its
-- own rollups, maintained like the evaluation's: every event marks its case
-- in analysis_dirty in the event's transaction (an event hook), and the
-- catch-up moves the rollups by the difference between what the case added
-- before (analysis_facts) and what it adds now. Days are 'YYYY-MM-DD'
-- (Shanghai), months 'YYYY-MM'; 0 stands for "none" in the id columns, ''
-- for an unknown merchant or street.
CREATE TABLE analysis_dirty (
    case_id BIGINT PRIMARY KEY,
    marks   BIGINT NOT NULL DEFAULT 1
);
INSERT INTO analysis_dirty (case_id) SELECT id FROM cases;

-- One row per counted case: its dimensions and exactly what it added.
CREATE TABLE analysis_facts (
    case_id      BIGINT PRIMARY KEY,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    category     TEXT NOT NULL,
    merchant_key TEXT NOT NULL,
    street       TEXT NOT NULL,
    day          TEXT NOT NULL,
    received     BIGINT NOT NULL,
    claim_fen    BIGINT NOT NULL
);
CREATE INDEX analysis_facts_cmt_day ON analysis_facts (committee_id, day);
CREATE INDEX analysis_facts_merchant ON analysis_facts (merchant_key, day);

-- Complaints received per day and every dimension a filter or a hot list
-- needs.
CREATE TABLE analysis_day (
    day          TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    category     TEXT NOT NULL,
    merchant_key TEXT NOT NULL,
    street       TEXT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    claim_fen    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, committee_id, room_id, channel, category, merchant_key, street)
);
-- Covering: the hot lists read this index alone.
CREATE INDEX analysis_day_cmt ON analysis_day (committee_id, day, room_id, channel, category, merchant_key, street, received, claim_fen);

-- The same per month without channel and category: what the unfiltered hot
-- lists read for whole months.
CREATE TABLE analysis_month (
    month        TEXT NOT NULL,
    committee_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    merchant_key TEXT NOT NULL,
    street       TEXT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    claim_fen    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, committee_id, room_id, merchant_key, street)
);
CREATE INDEX analysis_month_cmt ON analysis_month (committee_id, month, room_id, merchant_key, street, received, claim_fen);

-- The dashboard reads complaints received (by category and channel) and the
-- overdue moves from the evaluation's day rollups. Partial covering indexes
-- hold only the rows that have them (half the rows hold closures instead),
-- so those reads stay off the wide rows and skip the rest.
CREATE INDEX eval_day_received ON eval_day (committee_id, day, category, channel, room_id, received, claim_fen) WHERE received <> 0;
CREATE INDEX eval_day_overdue ON eval_day (committee_id, day, category, channel, room_id, overdue_open) WHERE overdue_open <> 0;
CREATE INDEX eval_day_unit_received ON eval_day_unit (committee_id, day, room_id, received, claim_fen) WHERE received <> 0;
CREATE INDEX eval_day_unit_overdue ON eval_day_unit (committee_id, day, room_id, overdue_open) WHERE overdue_open <> 0;

-- +goose Down
DROP INDEX eval_day_unit_overdue;
DROP INDEX eval_day_unit_received;
DROP INDEX eval_day_overdue;
DROP INDEX eval_day_received;
DROP TABLE analysis_month;
DROP TABLE analysis_day;
DROP TABLE analysis_facts;
DROP TABLE analysis_dirty;
