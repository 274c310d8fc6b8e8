package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) ListRoutingRules(ctx context.Context, committeeID int64) ([]store.RoutingRule, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, committee_id, position, kind, enabled, COALESCE(room_id, 0), categories,
		keywords, note, COALESCE(updated_by, 0), updated_at FROM routing_rules WHERE committee_id = $1 ORDER BY position, id`, committeeID)
	if err != nil {
		return nil, db.wrap("list routing rules", err)
	}
	defer rows.Close()
	var out []store.RoutingRule
	for rows.Next() {
		var r store.RoutingRule
		var cats, kws string
		if err := rows.Scan(&r.ID, &r.CommitteeID, &r.Position, &r.Kind, &r.Enabled, &r.RoomID, &cats, &kws, &r.Note,
			&r.UpdatedBy, &r.Updated); err != nil {
			return nil, db.wrap("scan routing rule", err)
		}
		if err := json.Unmarshal([]byte(cats), &r.Categories); err != nil {
			return nil, fmt.Errorf("routing rule %d categories: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(kws), &r.Keywords); err != nil {
			return nil, fmt.Errorf("routing rule %d keywords: %w", r.ID, err)
		}
		r.Updated = r.Updated.UTC()
		out = append(out, r)
	}
	return out, db.wrap("list routing rules", rows.Err())
}

func (db *DB) ReplaceRoutingRules(ctx context.Context, committeeID int64, rules []store.RoutingRule, by int64) error {
	return db.tx(ctx, "replace routing rules", func(tx *wtx) error {
		tx.about("org", committeeID)
		if _, err := tx.ExecContext(ctx, `DELETE FROM routing_rules WHERE committee_id = $1`, committeeID); err != nil {
			return err
		}
		now := time.Now().UTC()
		for _, r := range rules {
			cats, _ := json.Marshal(nonNil(r.Categories))
			kws, _ := json.Marshal(nonNil(r.Keywords))
			if _, err := tx.ExecContext(ctx, `INSERT INTO routing_rules (committee_id, position, kind, enabled, room_id, categories,
				keywords, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				committeeID, r.Position, r.Kind, r.Enabled, nullInt(r.RoomID), string(cats), string(kws), r.Note, nullInt(by), now); err != nil {
				return err
			}
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (db *DB) ListCommitteeRoomMerchants(ctx context.Context, committeeID int64) ([]store.RoomMerchant, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT rm.room_id, m.id, COALESCE(m.credit_code, ''), m.name FROM room_merchants rm
		JOIN merchants m ON m.id = rm.merchant_id JOIN org_units o ON o.id = rm.room_id
		WHERE o.parent_id = $1 ORDER BY rm.room_id, m.id`, committeeID)
	if err != nil {
		return nil, db.wrap("list committee room merchants", err)
	}
	defer rows.Close()
	var out []store.RoomMerchant
	for rows.Next() {
		var rm store.RoomMerchant
		if err := rows.Scan(&rm.RoomID, &rm.MerchantID, &rm.CreditCode, &rm.Name); err != nil {
			return nil, db.wrap("scan room merchant", err)
		}
		out = append(out, rm)
	}
	return out, db.wrap("list committee room merchants", rows.Err())
}
