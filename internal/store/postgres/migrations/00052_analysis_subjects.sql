-- +goose Up
-- Narrow rollups for the committee-wide hot lists (internal/analysis
-- hotCounts): complaints per subject — a merchant or a street — per day and
-- per month, with no room or category, so a hot list at a million cases
-- reads a few thousand short rows instead of every (room, channel,
-- category, merchant, street) combination of the window. channel '' holds
-- every channel; a row per channel serves the channel filter. kind is
-- 'merchant', 'street' or 'category'. Maintained with analysis_day in the catch-up's
-- transaction (the same delta), counted in the digest, emptied by reset.
-- kind 'category' holds the dispute categories the same way (the category
-- hot list and treemap, committee-wide).
CREATE TABLE analysis_subject_day (
    committee_id BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    day          TEXT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    claim_fen    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, kind, channel, subject, day)
);
-- Every subject of a window (streets, or a list that needs them all).
CREATE INDEX analysis_subject_day_window ON analysis_subject_day (committee_id, kind, channel, day, subject, received, claim_fen);

CREATE TABLE analysis_subject_month (
    committee_id BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    month        TEXT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    claim_fen    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (committee_id, kind, channel, subject, month)
);
-- The subjects busy enough in some month to reach a list (largest first).
CREATE INDEX analysis_subject_month_busy ON analysis_subject_month (committee_id, kind, channel, month, received, subject, claim_fen);

INSERT INTO analysis_subject_day (committee_id, kind, channel, subject, day, received, claim_fen)
SELECT committee_id, 'merchant', '', merchant_key, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, merchant_key, day
UNION ALL
SELECT committee_id, 'merchant', channel, merchant_key, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, merchant_key, day
UNION ALL
SELECT committee_id, 'street', '', street, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, street, day
UNION ALL
SELECT committee_id, 'street', channel, street, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, street, day
UNION ALL
SELECT committee_id, 'category', '', category, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, category, day
UNION ALL
SELECT committee_id, 'category', channel, category, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, category, day;

INSERT INTO analysis_subject_month (committee_id, kind, channel, subject, month, received, claim_fen)
SELECT committee_id, kind, channel, subject, substr(day, 1, 7), SUM(received), SUM(claim_fen) FROM analysis_subject_day
GROUP BY committee_id, kind, channel, subject, substr(day, 1, 7);

-- +goose Down
DROP TABLE analysis_subject_month;
DROP TABLE analysis_subject_day;
