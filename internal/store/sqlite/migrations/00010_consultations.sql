-- +goose Up
-- The expert pool (专家库) and consultations on cases (专家咨询).
CREATE TABLE expert_profiles (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    field          TEXT NOT NULL,
    qualifications TEXT NOT NULL DEFAULT ''
);
CREATE TABLE consultations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    expert_id   INTEGER NOT NULL REFERENCES users(id),
    question    TEXT NOT NULL,
    shared      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    answer      TEXT NOT NULL DEFAULT '',
    asked_by    INTEGER,
    asked_at    TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX consultations_expert ON consultations(expert_id, status);
CREATE INDEX consultations_case ON consultations(case_id);

-- +goose Down
DROP TABLE consultations;
DROP TABLE expert_profiles;
