-- +goose Up
-- A court's list of applications is read a page at a time by the time each
-- was submitted: those awaiting the court oldest first, those it decided
-- newest first. Without this index a court's page read every application
-- it ever received to sort them (issue 17).
CREATE INDEX judicial_applications_court_submitted ON judicial_applications (court_id, submitted_at, case_id);

-- +goose Down
DROP INDEX judicial_applications_court_submitted;
