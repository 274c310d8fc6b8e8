-- +goose Up
-- 12315 result feedback (internal/feedback): the parts of a diverted
-- complaint's closing record a mediator or the committee recorded — a
-- result over the derived one (联系不到当事人, 其他), the 调解方式 and the
-- edited 调解情况 — with who recorded them and when. Everything else in the
-- record is computed from the case, so it never disagrees with it.
CREATE TABLE feedback_12315 (
    case_id         BIGINT PRIMARY KEY REFERENCES cases (id),
    result          TEXT NOT NULL DEFAULT '',
    method          TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    updated_by      BIGINT REFERENCES users (id),
    updated_by_name TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE feedback_12315;
