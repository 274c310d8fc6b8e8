-- +goose Up
-- A daily report finds the thanks (锦旗, 感谢信) of its span by their
-- "commendation" events' time, and decodes only those cases' facts instead
-- of every closure of the year before (docs/performance.md "Daily reports:
-- commendations by index"). Commendations are rare: a partial index of
-- them alone, the case id riding along for the semi-join.
CREATE INDEX case_events_commendation ON case_events (at, case_id) WHERE type = 'commendation';

-- +goose Down
DROP INDEX case_events_commendation;
