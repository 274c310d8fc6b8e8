-- +goose Up
-- A password an administrator set for someone else must be changed at that
-- person's first sign-in (三员分立: the administrator never knows a password
-- in use). Cleared when the user sets their own.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
