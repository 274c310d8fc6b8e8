-- +goose Up
-- Per-case subsidies (个案补贴). A district's scheme versions; each closed
-- case's difficulty as proposed and as confirmed by the room lead; the
-- committee's monthly settlement batches with their lines, the cases that
-- did not qualify (and the gate they failed) and the approval trail.
CREATE TABLE subsidy_schemes (
    id             BIGSERIAL PRIMARY KEY,
    unit_id        BIGINT NOT NULL REFERENCES org_units(id),
    version        TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_by     BIGINT NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (unit_id, version)
);

CREATE TABLE case_difficulty (
    case_id      BIGINT PRIMARY KEY REFERENCES cases(id),
    proposed     TEXT NOT NULL,
    proposed_why TEXT NOT NULL DEFAULT '',
    level        TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    confirmed_by BIGINT NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE subsidy_batches (
    id            BIGSERIAL PRIMARY KEY,
    committee_id  BIGINT NOT NULL REFERENCES org_units(id),
    period        TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'regular',
    adjusts_id    BIGINT REFERENCES subsidy_batches(id),
    status        TEXT NOT NULL DEFAULT 'draft',
    window_from   TEXT NOT NULL,
    window_to     TEXT NOT NULL,
    total_fen     BIGINT NOT NULL DEFAULT 0,
    return_reason TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL,
    submitted_by  BIGINT NOT NULL DEFAULT 0,
    submitted_at  TIMESTAMPTZ,
    decided_by    BIGINT NOT NULL DEFAULT 0,
    decided_at    TIMESTAMPTZ,
    paid_on       TEXT NOT NULL DEFAULT '',
    paid_by       BIGINT NOT NULL DEFAULT 0,
    paid_note     TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX subsidy_batches_regular ON subsidy_batches (committee_id, period) WHERE kind = 'regular';
CREATE INDEX subsidy_batches_committee ON subsidy_batches (committee_id, period, id);

CREATE TABLE subsidy_lines (
    batch_id       BIGINT NOT NULL REFERENCES subsidy_batches(id),
    case_id        BIGINT NOT NULL REFERENCES cases(id),
    case_number    TEXT NOT NULL,
    mediator_id    BIGINT NOT NULL,
    mediator_name  TEXT NOT NULL,
    room_id        BIGINT NOT NULL DEFAULT 0,
    room_name      TEXT NOT NULL DEFAULT '',
    closure_day    TEXT NOT NULL,
    scheme_version TEXT NOT NULL DEFAULT '',
    rule           TEXT NOT NULL,
    difficulty     TEXT NOT NULL DEFAULT '',
    base_fen       BIGINT NOT NULL,
    judicial_fen   BIGINT NOT NULL DEFAULT 0,
    percent        INTEGER NOT NULL DEFAULT 100,
    cut_fen        BIGINT NOT NULL DEFAULT 0,
    amount_fen     BIGINT NOT NULL,
    explanation    TEXT NOT NULL,
    excluded       INTEGER NOT NULL DEFAULT 0,
    exclude_reason TEXT NOT NULL DEFAULT '',
    excluded_by    BIGINT NOT NULL DEFAULT 0,
    return_reason  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, case_id)
);
CREATE INDEX subsidy_lines_case ON subsidy_lines (case_id);
CREATE INDEX subsidy_lines_mediator ON subsidy_lines (mediator_id, batch_id);

CREATE TABLE subsidy_failures (
    batch_id      BIGINT NOT NULL REFERENCES subsidy_batches(id),
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    case_number   TEXT NOT NULL,
    mediator_id   BIGINT NOT NULL DEFAULT 0,
    mediator_name TEXT NOT NULL DEFAULT '',
    room_name     TEXT NOT NULL DEFAULT '',
    closure_day   TEXT NOT NULL,
    gate          TEXT NOT NULL,
    reason        TEXT NOT NULL,
    pending       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, case_id)
);

CREATE TABLE subsidy_trail (
    id         BIGSERIAL PRIMARY KEY,
    batch_id   BIGINT NOT NULL REFERENCES subsidy_batches(id),
    action     TEXT NOT NULL,
    actor_id   BIGINT NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    actor_role TEXT NOT NULL DEFAULT '',
    at         TIMESTAMPTZ NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subsidy_trail_batch ON subsidy_trail (batch_id, id);

-- +goose Down
DROP TABLE subsidy_trail;
DROP TABLE subsidy_failures;
DROP TABLE subsidy_lines;
DROP TABLE subsidy_batches;
DROP TABLE case_difficulty;
DROP TABLE subsidy_schemes;
