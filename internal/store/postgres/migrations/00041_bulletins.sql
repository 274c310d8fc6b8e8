-- +goose Up
-- 情况通报 (internal/bulletin): the committee's monthly bulletin, drafted
-- automatically after the month ends, edited, approved and published. The
-- computed sections are JSON (figures), the committee's texts JSON
-- (sections) and remarks; publishing freezes it as a liaison briefing (the
-- PDF, its SHA-256 and one recipient row per partner live there). A
-- correction of a published bulletin is the next revision of the month.
CREATE TABLE bulletins (
    id           BIGSERIAL PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES org_units (id),
    month        TEXT NOT NULL,
    revision     INTEGER NOT NULL DEFAULT 1,
    corrects_id  BIGINT REFERENCES bulletins (id),
    reason       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    title        TEXT NOT NULL,
    figures      TEXT NOT NULL,
    sections     TEXT NOT NULL DEFAULT '{}',
    remarks      TEXT NOT NULL DEFAULT '',
    drafted_by   BIGINT NOT NULL DEFAULT 0,
    drafted_at   TIMESTAMPTZ NOT NULL,
    refreshed_at TIMESTAMPTZ NOT NULL,
    edited_by    BIGINT NOT NULL DEFAULT 0,
    editor       TEXT NOT NULL DEFAULT '',
    edited_at    TIMESTAMPTZ,
    approved_by  BIGINT NOT NULL DEFAULT 0,
    approver     TEXT NOT NULL DEFAULT '',
    approved_at  TIMESTAMPTZ,
    published_by BIGINT NOT NULL DEFAULT 0,
    publisher    TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    briefing_id  BIGINT REFERENCES liaison_briefings (id),
    sha256       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX bulletins_month ON bulletins (committee_id, month, revision);
CREATE INDEX bulletins_committee ON bulletins (committee_id, month, id);

-- +goose Down
DROP TABLE bulletins;
