-- +goose Up
-- Judicial applications are delivered to the court system by a job: each
-- carries the idempotency key sent on every attempt, and where its delivery
-- stands (attempts, the last failure) for the case page. "failed" is a new
-- status: the last attempt failed, waiting for someone to send it again.
ALTER TABLE judicial_applications ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
ALTER TABLE judicial_applications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE judicial_applications ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE judicial_applications ADD COLUMN last_attempt_at TIMESTAMP;
-- Applications stored but never delivered before the queue existed had
-- no job: they get a key and wait for someone to send them again.
UPDATE judicial_applications SET status = 'failed', last_error = '升级前未送达法院系统，请重新提交',
    idempotency_key = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a'
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
WHERE status = 'sending';
CREATE UNIQUE INDEX judicial_applications_key ON judicial_applications(idempotency_key) WHERE idempotency_key <> '';

-- +goose Down
DROP INDEX judicial_applications_key;
UPDATE judicial_applications SET status = 'sending' WHERE status = 'failed';
ALTER TABLE judicial_applications DROP COLUMN last_attempt_at;
ALTER TABLE judicial_applications DROP COLUMN last_error;
ALTER TABLE judicial_applications DROP COLUMN attempts;
ALTER TABLE judicial_applications DROP COLUMN idempotency_key;
