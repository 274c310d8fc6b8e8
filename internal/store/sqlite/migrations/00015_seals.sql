-- +goose Up
-- The committee's seal image, placed by the system on the documents it issues.
CREATE TABLE org_seals (
    org_id      INTEGER PRIMARY KEY REFERENCES org_units(id),
    image       BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE org_seals;
