-- +goose Up
-- 预警 (internal/alerting, rules in internal/warning). Rule sets are
-- versioned: the committee's edit adds a version, the newest is in force.
CREATE TABLE warning_rule_sets (
    version    INTEGER PRIMARY KEY,
    body       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

-- One row per warning. subject_key is kind:id (or kind:ref); the partial
-- unique index keeps one open (or acknowledged) warning per rule × subject,
-- so two instances sweeping at once raise one.
CREATE TABLE warnings (
    id              BIGSERIAL PRIMARY KEY,
    rule_code       TEXT NOT NULL,
    rule_version    INTEGER NOT NULL,
    level           TEXT NOT NULL,
    status          TEXT NOT NULL,
    subject_kind    TEXT NOT NULL,
    subject_id      BIGINT NOT NULL DEFAULT 0,
    subject_ref     TEXT NOT NULL DEFAULT '',
    subject_key     TEXT NOT NULL,
    subject_label   TEXT NOT NULL DEFAULT '',
    case_id         BIGINT,
    unit_id         BIGINT NOT NULL,
    unit_path       TEXT COLLATE "C" NOT NULL,
    explain         TEXT NOT NULL,
    raised_at       TIMESTAMPTZ NOT NULL,
    raised_by       BIGINT NOT NULL DEFAULT 0,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by BIGINT NOT NULL DEFAULT 0,
    resolved_at     TIMESTAMPTZ,
    resolved_by     BIGINT NOT NULL DEFAULT 0,
    resolve_reason  TEXT NOT NULL DEFAULT '',
    resolve_note    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX warnings_one_open ON warnings (rule_code, subject_key) WHERE status <> 'resolved';
CREATE INDEX warnings_unit ON warnings (unit_path, status, level);
CREATE INDEX warnings_case ON warnings (case_id);

-- What happened to a warning: raised, each escalation step, acknowledged,
-- resolved, urged. A step is taken once (the partial unique index).
CREATE TABLE warning_events (
    id         BIGSERIAL PRIMARY KEY,
    warning_id BIGINT NOT NULL REFERENCES warnings (id),
    kind       TEXT NOT NULL,
    step       INTEGER NOT NULL DEFAULT -1,
    actor_id   BIGINT NOT NULL DEFAULT 0,
    at         TIMESTAMPTZ NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX warning_events_step ON warning_events (warning_id, step) WHERE kind = 'step';
CREATE INDEX warning_events_warning ON warning_events (warning_id, id);

-- 催办 / 督办 on a case: the request, its deadline, the mediator's reply.
CREATE TABLE supervisions (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases (id),
    warning_id   BIGINT,
    unit_id      BIGINT NOT NULL,
    unit_path    TEXT COLLATE "C" NOT NULL,
    mediator_id  BIGINT NOT NULL DEFAULT 0,
    request      TEXT NOT NULL,
    requested_by BIGINT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    reply        TEXT NOT NULL DEFAULT '',
    replied_by   BIGINT NOT NULL DEFAULT 0,
    replied_at   TIMESTAMPTZ
);
CREATE INDEX supervisions_case ON supervisions (case_id);
CREATE INDEX supervisions_unit ON supervisions (unit_path, replied_at);

-- In-app notices (我的提醒): one per recipient of a step, an urge or a
-- supervise; read when the user opens it.
CREATE TABLE warning_notices (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL,
    warning_id     BIGINT,
    supervision_id BIGINT,
    step           INTEGER NOT NULL DEFAULT -1,
    body           TEXT NOT NULL,
    sms            INTEGER NOT NULL DEFAULT 0,
    at             TIMESTAMPTZ NOT NULL,
    read_at        TIMESTAMPTZ
);
CREATE INDEX warning_notices_user ON warning_notices (user_id, id);
CREATE INDEX warning_notices_warning ON warning_notices (warning_id);

-- +goose Down
DROP TABLE warning_notices;
DROP TABLE supervisions;
DROP TABLE warning_events;
DROP TABLE warnings;
DROP TABLE warning_rule_sets;
