-- +goose Up
-- The 12315 result feedback lists the cases closed in a window: found by
-- their closing events of the window (about one a case), not by every case
-- of the scope since the first with an event lookup each (issue 17). The
-- list of types is sqlstore's closingTypes, word for word: the planners use
-- a partial index only for a query that names the same types.
CREATE INDEX case_events_closing ON case_events (at, case_id)
    WHERE type IN ('reach_agreement', 'terminate', 'withdraw', 'odr_settled', 'reject');

-- +goose Down
DROP INDEX case_events_closing;
