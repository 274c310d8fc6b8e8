-- +goose Up
-- What the warning sweep (every minute), the court sync (every fifteen
-- minutes) and the rectification reminders read, by indexes of what they
-- look for rather than every row of the years (issue 17):
-- the follow-ups of the dissatisfaction rule's window;
CREATE INDEX follow_ups_recorded ON follow_ups (recorded_at);
-- the applications still with the court;
CREATE INDEX judicial_applications_pending ON judicial_applications (submitted_at)
    WHERE status IN ('submitted', 'accepted');
-- the rectifications past due and not done, of every committee.
CREATE INDEX rectifications_due ON rectifications (due_day) WHERE done_day = '';

-- +goose Down
DROP INDEX rectifications_due;
DROP INDEX judicial_applications_pending;
DROP INDEX follow_ups_recorded;
