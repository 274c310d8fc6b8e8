-- +goose Up
-- A user's named filters of a work list (the desk, the case list).
CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    page       TEXT NOT NULL,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, page, name)
);

-- +goose Down
DROP TABLE saved_views;
