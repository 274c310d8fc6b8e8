-- +goose Up
-- Likely duplicates found on intake, for staff to merge or dismiss.
CREATE TABLE duplicate_flags (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    other_id    INTEGER NOT NULL REFERENCES cases(id),
    score       REAL NOT NULL,
    reasons     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open',
    decided_by  INTEGER,
    decided_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (case_id, other_id)
);
CREATE INDEX duplicate_flags_other ON duplicate_flags(other_id);

-- Group disputes (群体性纠纷): many complaints against one merchant.
CREATE TABLE case_groups (
    id            INTEGER PRIMARY KEY,
    committee_id  INTEGER NOT NULL REFERENCES org_units(id),
    merchant_id   INTEGER REFERENCES merchants(id),
    merchant_name TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    facts         TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active',
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE TABLE case_group_members (
    group_id       INTEGER NOT NULL REFERENCES case_groups(id),
    case_id        INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    representative INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, case_id)
);

ALTER TABLE cases ADD COLUMN merged_into INTEGER REFERENCES cases(id);
ALTER TABLE cases ADD COLUMN group_id INTEGER REFERENCES case_groups(id);

-- +goose Down
ALTER TABLE cases DROP COLUMN group_id;
ALTER TABLE cases DROP COLUMN merged_into;
DROP TABLE case_group_members;
DROP TABLE case_groups;
DROP TABLE duplicate_flags;
