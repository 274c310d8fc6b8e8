-- +goose Up
-- Written agreements: signatures, the committee seal, the frozen document.
ALTER TABLE agreements ADD COLUMN pdf BLOB;
ALTER TABLE agreements ADD COLUMN sha256 TEXT;
ALTER TABLE agreements ADD COLUMN verify_code TEXT;
CREATE UNIQUE INDEX agreements_sha256 ON agreements(sha256);
CREATE TABLE agreement_signatures (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    signer    TEXT NOT NULL,
    method    TEXT NOT NULL,
    image     BLOB,
    signed_by INTEGER,
    signed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, signer)
);
CREATE TABLE sign_tokens (
    token_hash   TEXT PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    party        TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE sign_tokens;
DROP TABLE agreement_signatures;
DROP INDEX agreements_sha256;
ALTER TABLE agreements DROP COLUMN verify_code;
ALTER TABLE agreements DROP COLUMN sha256;
ALTER TABLE agreements DROP COLUMN pdf;
