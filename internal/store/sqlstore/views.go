package sqlstore

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) SaveView(ctx context.Context, v *store.SavedView) error {
	v.Created = time.Now().UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO saved_views (user_id, page, name, query, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, page, name) DO UPDATE SET query = excluded.query RETURNING id`, v.UserID, v.Page, v.Name, v.Query, v.Created).Scan(&v.ID)
	})
	return db.wrap("save view", err)
}

func (db *DB) ListViews(ctx context.Context, userID int64, page string) ([]store.SavedView, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, user_id, page, name, query, created_at FROM saved_views WHERE user_id = $1 AND page = $2 ORDER BY name`, userID, page)
	if err != nil {
		return nil, db.wrap("list views", err)
	}
	defer rows.Close()
	var out []store.SavedView
	for rows.Next() {
		var v store.SavedView
		if err := rows.Scan(&v.ID, &v.UserID, &v.Page, &v.Name, &v.Query, &v.Created); err != nil {
			return nil, db.wrap("scan view", err)
		}
		v.Created = v.Created.UTC()
		out = append(out, v)
	}
	return out, db.wrap("list views", rows.Err())
}

func (db *DB) DeleteView(ctx context.Context, userID, id int64) error {
	res, err := db.writeOn("user", userID).ExecContext(ctx, `DELETE FROM saved_views WHERE id = $1 AND user_id = $2`, id, userID)
	return db.wrap("delete view", mustAffect(res, err))
}
