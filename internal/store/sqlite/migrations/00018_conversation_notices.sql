-- +goose Up
-- When a party was last texted about news in their case's online mediation,
-- and an index for reading a case's messages in order across channels.
ALTER TABLE party_links ADD COLUMN notified_at TIMESTAMP;
CREATE INDEX case_messages_by_id ON case_messages(case_id, id);

-- +goose Down
DROP INDEX case_messages_by_id;
ALTER TABLE party_links DROP COLUMN notified_at;
