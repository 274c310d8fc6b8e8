-- +goose Up
-- A mediator's warnings (预警, 今日) are those on the cases they preside and
-- those about themselves. They were found by the list of every case the
-- mediator ever presided, filtered along every unit's warnings newest first
-- (issue 17). Each warning now names its mediator: the subject of a
-- mediator's warning, else the presiding mediator of its case, followed when
-- the case changes hands (the trigger); read by (mediator_id[, status],
-- raised_at, id).
ALTER TABLE warnings ADD COLUMN mediator_id BIGINT NOT NULL DEFAULT 0;
UPDATE warnings SET mediator_id = CASE WHEN subject_kind = 'mediator' THEN subject_id
    ELSE COALESCE((SELECT c.presiding_id FROM cases c WHERE c.id = warnings.case_id), 0) END;
CREATE INDEX warnings_mediator ON warnings (mediator_id, raised_at, id);
CREATE INDEX warnings_mediator_status ON warnings (mediator_id, status, raised_at, id);
-- +goose StatementBegin
CREATE TRIGGER warnings_mediator_follow AFTER UPDATE OF presiding_id ON cases
WHEN old.presiding_id IS NOT new.presiding_id
BEGIN
    UPDATE warnings SET mediator_id = COALESCE(new.presiding_id, 0) WHERE case_id = new.id AND subject_kind <> 'mediator';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER warnings_mediator_follow;
DROP INDEX warnings_mediator_status;
DROP INDEX warnings_mediator;
ALTER TABLE warnings DROP COLUMN mediator_id;
