-- +goose Up
-- 典型案例 (internal/casebook): anonymised typical cases drafted from closed
-- cases (法释〔2016〕19号 masking), edited, submitted, approved by the
-- committee and published on the public library, or withdrawn with a
-- reason. Only the anonymised fields are public; org_path (the case's unit
-- when nominated) decides which staff see a draft. A case has at most one
-- typical case that is not withdrawn.
CREATE TABLE typical_cases (
    id              INTEGER PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases (id),
    committee_id    BIGINT NOT NULL REFERENCES org_units (id),
    org_path        TEXT NOT NULL,
    status          TEXT NOT NULL,
    title           TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT '',
    facts           TEXT NOT NULL DEFAULT '',
    process         TEXT NOT NULL DEFAULT '',
    result          TEXT NOT NULL DEFAULT '',
    significance    TEXT NOT NULL DEFAULT '',
    keep_merchants  INTEGER NOT NULL DEFAULT 0,
    hits            TEXT NOT NULL DEFAULT '[]',
    clean           INTEGER NOT NULL DEFAULT 0,
    version         BIGINT NOT NULL DEFAULT 1,
    nominated_by    BIGINT,
    nominator       TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_by      BIGINT,
    updated_at      TIMESTAMP NOT NULL,
    submitted_by    BIGINT,
    submitted_at    TIMESTAMP,
    published_by    BIGINT,
    publisher       TEXT NOT NULL DEFAULT '',
    published_at    TIMESTAMP,
    withdrawn_by    BIGINT,
    withdrawn_at    TIMESTAMP,
    withdraw_note   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX typical_cases_case ON typical_cases (case_id) WHERE status <> 'withdrawn';
CREATE INDEX typical_cases_status ON typical_cases (status, published_at);
CREATE INDEX typical_cases_path ON typical_cases (org_path);

-- +goose Down
DROP TABLE typical_cases;
