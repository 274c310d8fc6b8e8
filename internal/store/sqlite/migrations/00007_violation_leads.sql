-- +goose Up
-- Violation leads (违法线索) that mediators pass to the market regulator.
CREATE TABLE violation_leads (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    office_id   INTEGER NOT NULL REFERENCES org_units(id),
    office_path TEXT NOT NULL,
    kind        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'new',
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    handled_by  INTEGER,
    handled_at  TIMESTAMP
);
CREATE INDEX violation_leads_office ON violation_leads(office_path, created_at);

-- +goose Down
DROP TABLE violation_leads;
