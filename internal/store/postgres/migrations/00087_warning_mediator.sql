-- +goose Up
-- A mediator's warnings (预警, 今日) are those on the cases they preside and
-- those about themselves. They were found by the list of every case the
-- mediator ever presided, filtered along every unit's warnings newest first
-- (issue 17). Each warning now names its mediator: the subject of a
-- mediator's warning, else the presiding mediator of its case, followed when
-- the case changes hands (the trigger); read by (mediator_id[, status],
-- raised_at, id).
ALTER TABLE warnings ADD COLUMN mediator_id BIGINT NOT NULL DEFAULT 0;
UPDATE warnings w SET mediator_id = CASE WHEN w.subject_kind = 'mediator' THEN w.subject_id
    ELSE COALESCE((SELECT c.presiding_id FROM cases c WHERE c.id = w.case_id), 0) END;
CREATE INDEX warnings_mediator ON warnings (mediator_id, raised_at, id);
CREATE INDEX warnings_mediator_status ON warnings (mediator_id, status, raised_at, id);
-- +goose StatementBegin
CREATE FUNCTION warnings_mediator_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE warnings SET mediator_id = COALESCE(NEW.presiding_id, 0) WHERE case_id = NEW.id AND subject_kind <> 'mediator';
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER warnings_mediator_follow AFTER UPDATE OF presiding_id ON cases
FOR EACH ROW WHEN (OLD.presiding_id IS DISTINCT FROM NEW.presiding_id) EXECUTE FUNCTION warnings_mediator_follow();

-- +goose Down
DROP TRIGGER warnings_mediator_follow ON cases;
DROP FUNCTION warnings_mediator_follow();
DROP INDEX warnings_mediator_status;
DROP INDEX warnings_mediator;
ALTER TABLE warnings DROP COLUMN mediator_id;
