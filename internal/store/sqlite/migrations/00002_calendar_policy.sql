-- +goose Up
CREATE TABLE calendar_overrides (
    date       TEXT PRIMARY KEY,
    workday    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    updated_by INTEGER,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE policies (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    effective_from        TEXT NOT NULL UNIQUE,
    acceptance_wd         INTEGER NOT NULL,
    mediation_wd          INTEGER NOT NULL,
    termination_notice_wd INTEGER NOT NULL,
    odr_negotiation_wd    INTEGER NOT NULL,
    judicial_confirm_days INTEGER NOT NULL,
    committee_target_days INTEGER NOT NULL
);

-- +goose Down
DROP TABLE policies;
DROP TABLE calendar_overrides;
