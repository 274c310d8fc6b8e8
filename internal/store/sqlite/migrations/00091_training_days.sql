-- +goose Up
-- A year's training hours (the mediators' page, the trainings page, the
-- warning sweep's shortfall in the last quarter, every minute) are summed
-- from the year's trainings, each one's attendance read by its key: not
-- from every attendance of the mediators since their first (issue 17).
CREATE INDEX trainings_day ON trainings (day);

-- +goose Down
DROP INDEX trainings_day;
