-- +goose Up
-- Each outbox row becomes the durable record of one SMS sent through the job
-- queue (River, queue "sms"): queued → sending → sent, or retrying → … →
-- failed. The phone and the full text (parties' links included) are sealed
-- with the pii sealer; only the SMS worker opens them to send. request_id is
-- the gateway's idempotency key, the same on every attempt. error becomes
-- last_error: the latest failure, Chinese, phones masked. Rows written
-- before the queue keep their status (sent or failed).
ALTER TABLE sms_outbox RENAME COLUMN error TO last_error;
ALTER TABLE sms_outbox ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sms_outbox ADD COLUMN phone_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE sms_outbox ADD COLUMN body_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE sms_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sms_outbox ADD COLUMN queued_at TIMESTAMP;
ALTER TABLE sms_outbox ADD COLUMN attempted_at TIMESTAMP;
ALTER TABLE sms_outbox ADD COLUMN sent_at TIMESTAMP;
ALTER TABLE sms_outbox ADD COLUMN provider_msg_id TEXT NOT NULL DEFAULT '';
UPDATE sms_outbox SET sent_at = created_at WHERE status = 'sent';
CREATE UNIQUE INDEX sms_outbox_request ON sms_outbox(request_id) WHERE request_id <> '';

-- +goose Down
DROP INDEX sms_outbox_request;
ALTER TABLE sms_outbox DROP COLUMN provider_msg_id;
ALTER TABLE sms_outbox DROP COLUMN sent_at;
ALTER TABLE sms_outbox DROP COLUMN attempted_at;
ALTER TABLE sms_outbox DROP COLUMN queued_at;
ALTER TABLE sms_outbox DROP COLUMN attempts;
ALTER TABLE sms_outbox DROP COLUMN body_sealed;
ALTER TABLE sms_outbox DROP COLUMN phone_sealed;
ALTER TABLE sms_outbox DROP COLUMN request_id;
ALTER TABLE sms_outbox RENAME COLUMN last_error TO error;
