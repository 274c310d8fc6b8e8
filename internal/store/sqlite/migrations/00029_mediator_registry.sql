-- +goose Up
-- The mediator registry (队伍, internal/corps): one row per mediator user.
-- Phone and ID number are sealed (internal/pii) with a keyed hash and a
-- masked copy for display. Dates are 'YYYY-MM-DD' ('' for none).
CREATE TABLE mediator_registry (
    user_id             BIGINT PRIMARY KEY REFERENCES users (id),
    kind                TEXT NOT NULL,
    sex                 TEXT NOT NULL DEFAULT '',
    birth_year          INTEGER NOT NULL DEFAULT 0,
    education           TEXT NOT NULL DEFAULT '',
    major               TEXT NOT NULL DEFAULT '',
    law_major           INTEGER NOT NULL DEFAULT 0,
    legal_qualification INTEGER NOT NULL DEFAULT 0,
    grade               TEXT NOT NULL DEFAULT 'none',
    appointed_on        TEXT NOT NULL DEFAULT '',
    term_end            TEXT NOT NULL DEFAULT '',
    employment          TEXT NOT NULL DEFAULT '',
    filed_on            TEXT NOT NULL DEFAULT '',
    id_sealed           TEXT NOT NULL DEFAULT '',
    id_hash             TEXT NOT NULL DEFAULT '',
    id_mask             TEXT NOT NULL DEFAULT '',
    phone_sealed        TEXT NOT NULL DEFAULT '',
    phone_hash          TEXT NOT NULL DEFAULT '',
    phone_mask          TEXT NOT NULL DEFAULT '',
    updated_by          BIGINT,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX mediator_registry_id_hash ON mediator_registry (id_hash);

-- Grade rules as data: versions per unit (0: the built-in default's place).
CREATE TABLE mediator_grade_rules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id        BIGINT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_by     BIGINT,
    created_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mediator_grade_rules_version ON mediator_grade_rules (unit_id, effective_from);

-- Cases escalated through improper mediation, recorded by the committee.
CREATE TABLE mediator_incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    case_id     BIGINT REFERENCES cases (id),
    occurred_on TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by BIGINT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX mediator_incidents_user ON mediator_incidents (user_id, occurred_on);

-- Grade changes: committee decisions with the eligibility they rested on.
CREATE TABLE mediator_grade_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    from_grade  TEXT NOT NULL,
    to_grade    TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    basis       TEXT NOT NULL,
    decided_by  BIGINT,
    snapshot    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX mediator_grade_decisions_user ON mediator_grade_decisions (user_id, id);

-- +goose Down
DROP TABLE mediator_grade_decisions;
DROP TABLE mediator_incidents;
DROP TABLE mediator_grade_rules;
DROP TABLE mediator_registry;
