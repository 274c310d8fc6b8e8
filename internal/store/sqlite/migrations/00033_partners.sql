-- +goose Up
-- 联络 (internal/liaison): each committee's register of partner units (a
-- partner org unit of the district, or an enterprise contact point tied to a
-- merchant or an enterprise room), their contacts (phones sealed), the
-- contact log with the cases and group disputes it concerns, and 情况通报
-- briefings frozen as PDF with one recipient row per partner.
CREATE TABLE liaison_partners (
    id           INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES org_units (id),
    kind         TEXT NOT NULL,
    org_id       BIGINT REFERENCES org_units (id),
    merchant_id  BIGINT REFERENCES merchants (id),
    room_id      BIGINT REFERENCES org_units (id),
    name         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   BIGINT,
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX liaison_partners_org ON liaison_partners (committee_id, org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX liaison_partners_name ON liaison_partners (committee_id, name);

CREATE TABLE liaison_contacts (
    id           INTEGER PRIMARY KEY,
    partner_id   BIGINT NOT NULL REFERENCES liaison_partners (id),
    name         TEXT NOT NULL,
    post         TEXT NOT NULL DEFAULT '',
    phone_sealed TEXT NOT NULL DEFAULT '',
    phone_mask   TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX liaison_contacts_partner ON liaison_contacts (partner_id, id);

CREATE TABLE liaison_log (
    id           INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES org_units (id),
    partner_id   BIGINT NOT NULL REFERENCES liaison_partners (id),
    day          TEXT NOT NULL,
    channel      TEXT NOT NULL,
    topic        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    recorded_by  BIGINT,
    recorder     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX liaison_log_committee ON liaison_log (committee_id, day, id);

-- What a contact concerned: cases ('case') or group disputes ('group').
CREATE TABLE liaison_log_links (
    log_id BIGINT NOT NULL REFERENCES liaison_log (id),
    kind   TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    PRIMARY KEY (log_id, kind, ref_id)
);

CREATE TABLE liaison_briefings (
    id           INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES org_units (id),
    title        TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    body         TEXT NOT NULL,
    pdf          BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    created_by   BIGINT,
    creator      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX liaison_briefings_committee ON liaison_briefings (committee_id, id);

CREATE TABLE liaison_recipients (
    briefing_id  BIGINT NOT NULL REFERENCES liaison_briefings (id),
    partner_id   BIGINT NOT NULL REFERENCES liaison_partners (id),
    state        TEXT NOT NULL,
    sms_queued   INTEGER NOT NULL DEFAULT 0,
    sent_at      TIMESTAMP NOT NULL,
    received_at  TIMESTAMP,
    PRIMARY KEY (briefing_id, partner_id)
);

-- 标准引领 (internal/standards): inspections of a room against the district
-- standard (the version in force is kept on each), the result of every
-- checklist item, photos, rectification items and 示范工作室 designations.
CREATE TABLE room_inspections (
    id               INTEGER PRIMARY KEY,
    committee_id     BIGINT NOT NULL REFERENCES org_units (id),
    room_id          BIGINT NOT NULL REFERENCES org_units (id),
    day              TEXT NOT NULL,
    standard_version TEXT NOT NULL,
    inspectors       TEXT NOT NULL,
    earned_x10       INTEGER NOT NULL,
    possible_x10     INTEGER NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    recorded_by      BIGINT,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX room_inspections_room ON room_inspections (room_id, day, id);
CREATE INDEX room_inspections_committee ON room_inspections (committee_id, day);

CREATE TABLE inspection_items (
    inspection_id BIGINT NOT NULL REFERENCES room_inspections (id),
    item_code     TEXT NOT NULL,
    result        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, item_code)
);

CREATE TABLE inspection_photos (
    id            INTEGER PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES room_inspections (id),
    item_code     TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX inspection_photos_inspection ON inspection_photos (inspection_id, id);

CREATE TABLE rectifications (
    id            INTEGER PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES room_inspections (id),
    committee_id  BIGINT NOT NULL REFERENCES org_units (id),
    room_id       BIGINT NOT NULL REFERENCES org_units (id),
    item_code     TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL,
    due_day       TEXT NOT NULL,
    owner         TEXT NOT NULL,
    done_day      TEXT NOT NULL DEFAULT '',
    done_note     TEXT NOT NULL DEFAULT '',
    done_by       BIGINT
);
CREATE INDEX rectifications_open ON rectifications (committee_id, done_day, due_day);
CREATE INDEX rectifications_inspection ON rectifications (inspection_id, id);

CREATE TABLE model_rooms (
    id             INTEGER PRIMARY KEY,
    committee_id   BIGINT NOT NULL REFERENCES org_units (id),
    room_id        BIGINT NOT NULL REFERENCES org_units (id),
    day            TEXT NOT NULL,
    designated_by  BIGINT,
    designator     TEXT NOT NULL DEFAULT '',
    basis          TEXT NOT NULL,
    revoked_day    TEXT NOT NULL DEFAULT '',
    revoked_by     BIGINT,
    revoke_reason  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
-- One standing designation per room.
CREATE UNIQUE INDEX model_rooms_standing ON model_rooms (room_id) WHERE revoked_day = '';
CREATE INDEX model_rooms_committee ON model_rooms (committee_id, id);

-- +goose Down
DROP TABLE model_rooms;
DROP TABLE rectifications;
DROP TABLE inspection_photos;
DROP TABLE inspection_items;
DROP TABLE room_inspections;
DROP TABLE liaison_recipients;
DROP TABLE liaison_briefings;
DROP TABLE liaison_log_links;
DROP TABLE liaison_log;
DROP TABLE liaison_contacts;
DROP TABLE liaison_partners;
