-- +goose Up
-- Online mediation (在线调解): each party's link to the case, the
-- conversation (joint channel and one caucus channel per party), evidence,
-- the mediator's proposed terms and the parties' answers, the parties'
-- confirmation of session records, and an expert joining with consent.
CREATE TABLE party_links (
    token_hash   TEXT PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    party        TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (case_id, party)
);
CREATE TABLE case_evidence (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    channel      TEXT NOT NULL,
    uploader     TEXT NOT NULL,
    uploaded_by  INTEGER,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence(case_id);
CREATE TABLE proposals (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    channel    TEXT NOT NULL,
    terms      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open',
    created_by INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX proposals_case ON proposals(case_id);
CREATE TABLE proposal_answers (
    proposal_id INTEGER NOT NULL REFERENCES proposals(id),
    party       TEXT NOT NULL,
    answer      TEXT NOT NULL,
    counter     TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, party)
);
CREATE TABLE case_messages (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    channel     TEXT NOT NULL,
    author      TEXT NOT NULL,
    author_id   INTEGER,
    author_name TEXT NOT NULL,
    body        TEXT NOT NULL,
    evidence_id INTEGER REFERENCES case_evidence(id),
    proposal_id INTEGER REFERENCES proposals(id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX case_messages_case ON case_messages(case_id, channel, id);
CREATE TABLE record_confirmations (
    session_id  INTEGER NOT NULL REFERENCES mediation_sessions(id),
    party       TEXT NOT NULL,
    method      TEXT NOT NULL,
    evidence_id INTEGER REFERENCES case_evidence(id),
    recorded_by INTEGER,
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, party)
);
ALTER TABLE consultations ADD COLUMN join_requested_at TIMESTAMP;
ALTER TABLE consultations ADD COLUMN join_consumer TEXT NOT NULL DEFAULT '';
ALTER TABLE consultations ADD COLUMN join_merchant TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE consultations DROP COLUMN join_merchant;
ALTER TABLE consultations DROP COLUMN join_consumer;
ALTER TABLE consultations DROP COLUMN join_requested_at;
DROP TABLE record_confirmations;
DROP TABLE case_messages;
DROP TABLE proposal_answers;
DROP TABLE proposals;
DROP TABLE case_evidence;
DROP TABLE party_links;
