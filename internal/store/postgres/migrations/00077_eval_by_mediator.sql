-- +goose Up
-- A mediator's rollups over their whole time in post, in every committee
-- (the grades page, for each mediator listed): read by the mediator, not
-- by every unit's months of the span (issue 17).
CREATE INDEX eval_month_mediator ON eval_month (mediator_id, month);
CREATE INDEX eval_day_unit_mediator ON eval_day_unit (mediator_id, day);

-- +goose Down
DROP INDEX eval_day_unit_mediator;
DROP INDEX eval_month_mediator;
