package sqlstore

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutSeal(ctx context.Context, orgID int64, image []byte, by int64, at time.Time) error {
	_, err := db.writeOn("org", orgID).ExecContext(ctx, `INSERT INTO org_seals (org_id, image, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET image = excluded.image, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at`,
		orgID, image, by, at.UTC())
	return db.wrap("put seal", err)
}

func (db *DB) GetSeal(ctx context.Context, orgID int64) (store.Seal, error) {
	s := store.Seal{OrgID: orgID}
	err := db.read().QueryRowContext(ctx, `SELECT image, uploaded_by, uploaded_at FROM org_seals WHERE org_id = $1`, orgID).
		Scan(&s.Image, &s.UploadedBy, &s.UploadedAt)
	s.UploadedAt = s.UploadedAt.UTC()
	return s, db.wrap("get seal", err)
}
