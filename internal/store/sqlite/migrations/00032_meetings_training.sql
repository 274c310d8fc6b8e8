-- +goose Up
-- Two of the five routines (issue 13): 例会 (meetings) and 培训 (training).
-- A meeting belongs to a committee or a room (unit_path copies the unit's
-- path so scope filters need no join); its agenda is the JSON snapshot of
-- the figures, ranking and red warnings taken when it was scheduled.
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id     BIGINT NOT NULL REFERENCES org_units (id),
    unit_path   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    day         TEXT NOT NULL,
    title       TEXT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    agenda      TEXT NOT NULL,
    minutes     TEXT NOT NULL DEFAULT '',
    held        INTEGER NOT NULL DEFAULT 0,
    created_by  BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    held_at     TIMESTAMP,
    held_by     BIGINT
);
CREATE INDEX meetings_path_day ON meetings (unit_path, day);
CREATE INDEX meetings_day ON meetings (day);

CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    present    INTEGER NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, user_id)
);

-- The partner organisations attending a joint meeting (联席会议).
CREATE TABLE meeting_orgs (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    org_id     BIGINT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (meeting_id, org_id)
);

-- Decisions as action items, followed until done.
CREATE TABLE meeting_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    body       TEXT NOT NULL,
    owner_id   BIGINT NOT NULL REFERENCES users (id),
    due        TEXT NOT NULL,
    case_id    BIGINT REFERENCES cases (id),
    done       INTEGER NOT NULL DEFAULT 0,
    done_by    BIGINT,
    done_at    TIMESTAMP,
    done_note  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id, id);
CREATE INDEX meeting_items_open ON meeting_items (done, due);
CREATE INDEX meeting_items_case ON meeting_items (case_id);

-- Training sessions, owned by the committee or room that records them.
CREATE TABLE trainings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id      BIGINT NOT NULL REFERENCES org_units (id),
    unit_path    TEXT NOT NULL,
    topic        TEXT NOT NULL,
    organiser    TEXT NOT NULL,
    organiser_id BIGINT REFERENCES org_units (id),
    day          TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    location     TEXT NOT NULL DEFAULT '',
    created_by   BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX trainings_path_day ON trainings (unit_path, day);

CREATE TABLE training_attendance (
    training_id BIGINT NOT NULL REFERENCES trainings (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (training_id, user_id)
);
CREATE INDEX training_attendance_user ON training_attendance (user_id);

-- Materials and certificates, checked by content like case evidence.
CREATE TABLE training_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    training_id  BIGINT NOT NULL REFERENCES trainings (id),
    kind         TEXT NOT NULL,
    user_id      BIGINT REFERENCES users (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX training_files_training ON training_files (training_id, id);

-- The yearly minimum of training a committee sets for its mediators.
CREATE TABLE training_minimums (
    committee_id BIGINT PRIMARY KEY REFERENCES org_units (id),
    minutes      INTEGER NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE training_minimums;
DROP TABLE training_files;
DROP TABLE training_attendance;
DROP TABLE trainings;
DROP TABLE meeting_items;
DROP TABLE meeting_orgs;
DROP TABLE meeting_attendance;
DROP TABLE meetings;
