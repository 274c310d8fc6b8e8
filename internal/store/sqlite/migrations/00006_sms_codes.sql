-- +goose Up
-- One-time codes that verify a phone number (online filing).
CREATE TABLE sms_codes (
    phone_hash TEXT PRIMARY KEY,
    code_hash  TEXT NOT NULL,
    sent_at    TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE sms_codes;
