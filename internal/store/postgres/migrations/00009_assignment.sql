-- +goose Up
-- Mediators of a case (指派); one presides.
CREATE TABLE case_mediators (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    presiding   BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_by BIGINT,
    assigned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_mediators_user ON case_mediators(user_id);
ALTER TABLE cases ADD COLUMN presiding_id BIGINT REFERENCES users(id);
CREATE INDEX cases_presiding ON cases(presiding_id, status);

-- Duty roster: days a mediator is on leave.
CREATE TABLE mediator_leave (
    user_id BIGINT NOT NULL REFERENCES users(id),
    date    TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
);

-- Per-room assignment settings.
CREATE TABLE room_settings (
    room_id  BIGINT PRIMARY KEY REFERENCES org_units(id),
    capacity INTEGER NOT NULL DEFAULT 30,
    chooser  TEXT NOT NULL DEFAULT 'least_loaded'
);

-- +goose Down
DROP TABLE room_settings;
DROP TABLE mediator_leave;
DROP INDEX cases_presiding;
ALTER TABLE cases DROP COLUMN presiding_id;
DROP TABLE case_mediators;
