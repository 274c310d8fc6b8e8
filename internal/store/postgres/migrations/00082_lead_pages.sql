-- +goose Up
-- The leads page lists leads a page at a time, newest first, all or of one
-- status (issue 17): a 市场监管所's own by (office_path[, status], id), a
-- district's by the key or (status, id) with the scope as a filter; not by
-- sorting every lead of the scope. The 12315 feedback counts a case's leads
-- by case_id, which no index served.
DROP INDEX violation_leads_office;
CREATE INDEX violation_leads_office ON violation_leads (office_path, id);
CREATE INDEX violation_leads_office_status ON violation_leads (office_path, status, id);
CREATE INDEX violation_leads_status ON violation_leads (status, id);
CREATE INDEX violation_leads_case ON violation_leads (case_id);

-- +goose Down
DROP INDEX violation_leads_case;
DROP INDEX violation_leads_status;
DROP INDEX violation_leads_office_status;
DROP INDEX violation_leads_office;
CREATE INDEX violation_leads_office ON violation_leads(office_path, created_at);
