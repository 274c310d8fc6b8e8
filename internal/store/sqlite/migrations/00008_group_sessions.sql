-- +goose Up
-- A group's joint session and each member's outcome.
ALTER TABLE case_groups ADD COLUMN session_at TIMESTAMP;
ALTER TABLE case_groups ADD COLUMN session_place TEXT NOT NULL DEFAULT '';
ALTER TABLE case_group_members ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE case_group_members ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '';
ALTER TABLE case_group_members ADD COLUMN outcome_fen INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE case_group_members DROP COLUMN outcome_fen;
ALTER TABLE case_group_members DROP COLUMN outcome_note;
ALTER TABLE case_group_members DROP COLUMN outcome;
ALTER TABLE case_groups DROP COLUMN session_place;
ALTER TABLE case_groups DROP COLUMN session_at;
