-- +goose Up
-- An expert's consultations are read a page at a time by the time each was
-- asked: those awaiting the expert's opinion oldest first, those answered
-- newest first. The index on (expert_id, status) alone left the order to a
-- sort of all the expert's consultations over the years (issue 17).
CREATE INDEX consultations_expert_asked ON consultations (expert_id, status, asked_at, id);
DROP INDEX consultations_expert;

-- +goose Down
CREATE INDEX consultations_expert ON consultations (expert_id, status);
DROP INDEX consultations_expert_asked;
