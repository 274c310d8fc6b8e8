-- +goose Up
-- Jobs enqueued by a change are written here in the change's transaction
-- (one small insert) and moved into River's queue in batches by a pump on
-- every instance (internal/jobs/outbox.go). River's own insert costs a
-- quarter of an intake on SQLite (its statement is parsed on every call);
-- see docs/decisions.md.
CREATE TABLE job_outbox (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    args       TEXT NOT NULL,
    opts       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE job_outbox;
