-- +goose Up
-- Supervisions newest first without sorting a scope's years of them (issue
-- 17): the unanswered ones (今日, the warning sweep's every minute) by a
-- partial index of those alone, a mediator's by theirs, the rest by the key
-- with the scope as a filter. The sweep read the newest 1,000 unanswered,
-- walking every supervision ever made to find them.
CREATE INDEX supervisions_open ON supervisions (id) WHERE replied_at IS NULL;
CREATE INDEX supervisions_mediator ON supervisions (mediator_id, id);

-- +goose Down
DROP INDEX supervisions_mediator;
DROP INDEX supervisions_open;
