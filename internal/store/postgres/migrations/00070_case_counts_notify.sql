-- +goose Up
-- Every statement that changes the case counters (migration 63) notifies,
-- delivered at its commit: instances keep the counters in memory and read
-- them again only after a notification (sqlstore's countlisten.go). The
-- channel is the schema's, as the live conversations' is, so installs in
-- other schemas of the database are not told.
-- +goose StatementBegin
CREATE FUNCTION case_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(left(CASE WHEN coalesce(current_schema(), '') = '' THEN 'tiaojie_counts'
        ELSE current_schema() || '.tiaojie_counts' END, 63), '');
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER case_counts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON case_counts
    FOR EACH STATEMENT EXECUTE FUNCTION case_counts_changed();

-- +goose Down
DROP TRIGGER case_counts_changed ON case_counts;
DROP FUNCTION case_counts_changed();
