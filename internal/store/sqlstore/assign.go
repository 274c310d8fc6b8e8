package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) ListRoomMediators(ctx context.Context, roomID int64) ([]store.User, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT DISTINCT `+prefixed("u.", userCols)+` FROM users u
		JOIN role_bindings b ON b.user_id = u.id WHERE b.org_id = $1 AND b.role IN ('mediator', 'room_lead') AND u.active = $2
		ORDER BY u.id`, roomID, true)
	if err != nil {
		return nil, db.wrap("list room mediators", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.wrap("scan mediator", err)
		}
		out = append(out, u)
	}
	return out, db.wrap("list room mediators", rows.Err())
}

// prefixed qualifies every column of a column list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func inList(start int, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", start+i)
	}
	return strings.Join(ph, ", ")
}

// MediatorLoads reads the counters that migration 00060's triggers keep
// with every change to a case's status or presiding mediator, so the cost
// does not grow with the cases. A mediator whose count is 0 has no entry, as
// when the cases were counted.
func (db *DB) MediatorLoads(ctx context.Context, userIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(userIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(userIDs))
	for i, id := range userIDs {
		args[i] = id
	}
	rows, err := db.read().QueryContext(ctx, `SELECT user_id, open_cases FROM mediator_loads
		WHERE user_id IN (`+inList(1, len(userIDs))+`) AND open_cases > 0`, args...)
	if err != nil {
		return nil, db.wrap("mediator loads", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, db.wrap("scan load", err)
		}
		out[id] = n
	}
	return out, db.wrap("mediator loads", rows.Err())
}

func (db *DB) OnLeave(ctx context.Context, userIDs []int64, date string) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	args := []any{date}
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT user_id FROM mediator_leave WHERE date = $1 AND user_id IN (`+inList(2, len(userIDs))+`)`, args...)
	if err != nil {
		return nil, db.wrap("on leave", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.wrap("scan leave", err)
		}
		out[id] = true
	}
	return out, db.wrap("on leave", rows.Err())
}

func (db *DB) SetLeave(ctx context.Context, userID int64, date string, onLeave bool) error {
	var err error
	if onLeave {
		_, err = db.writeOn("user", userID).ExecContext(ctx, `INSERT INTO mediator_leave (user_id, date) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, date)
	} else {
		_, err = db.writeOn("user", userID).ExecContext(ctx, `DELETE FROM mediator_leave WHERE user_id = $1 AND date = $2`, userID, date)
	}
	return db.wrap("set leave", err)
}

func (db *DB) GetRoomSettings(ctx context.Context, roomID int64) (store.RoomSettings, error) {
	s := store.RoomSettings{RoomID: roomID, Capacity: 30, Chooser: "least_loaded"}
	err := db.readGeneric().QueryRowContext(ctx, `SELECT capacity, chooser FROM room_settings WHERE room_id = $1`, roomID).Scan(&s.Capacity, &s.Chooser)
	if err != nil && err != sql.ErrNoRows {
		return s, db.wrap("get room settings", err)
	}
	return s, nil
}

func (db *DB) PutRoomSettings(ctx context.Context, s store.RoomSettings) error {
	_, err := db.writeOn("org", s.RoomID).ExecContext(ctx, `INSERT INTO room_settings (room_id, capacity, chooser) VALUES ($1, $2, $3)
		ON CONFLICT (room_id) DO UPDATE SET capacity = excluded.capacity, chooser = excluded.chooser`, s.RoomID, s.Capacity, s.Chooser)
	return db.wrap("put room settings", err)
}

func (db *DB) AssignCase(ctx context.Context, caseID, expectVersion int64, mediatorIDs []int64, by int64, ch store.CaseChange, ev store.Event) (store.Case, error) {
	if len(mediatorIDs) == 0 {
		return store.Case{}, fmt.Errorf("assign case: no mediator")
	}
	err := db.tx(ctx, "assign case", func(tx *wtx) error {
		if err := applyChange(ctx, tx, caseID, expectVersion, ch, &ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET presiding_id = $1 WHERE id = $2`, mediatorIDs[0], caseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_mediators WHERE case_id = $1`, caseID); err != nil {
			return err
		}
		now := time.Now().UTC()
		for i, id := range mediatorIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_mediators (case_id, user_id, presiding, assigned_by, assigned_at)
				VALUES ($1, $2, $3, $4, $5)`, caseID, id, i == 0, nullInt(by), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.Case{}, err
	}
	return db.GetCase(ctx, caseID)
}

func (db *DB) ListCaseMediators(ctx context.Context, caseID int64) ([]store.CaseMediator, error) {
	rows, err := db.readGeneric().QueryContext(ctx, `SELECT cm.user_id, u.display_name, cm.presiding, cm.assigned_at FROM case_mediators cm
		JOIN users u ON u.id = cm.user_id WHERE cm.case_id = $1 ORDER BY cm.presiding DESC, cm.user_id`, caseID)
	if err != nil {
		return nil, db.wrap("list case mediators", err)
	}
	defer rows.Close()
	var out []store.CaseMediator
	for rows.Next() {
		var m store.CaseMediator
		if err := rows.Scan(&m.UserID, &m.DisplayName, &m.Presiding, &m.AssignedAt); err != nil {
			return nil, db.wrap("scan case mediator", err)
		}
		m.AssignedAt = m.AssignedAt.UTC()
		out = append(out, m)
	}
	return out, db.wrap("list case mediators", rows.Err())
}
