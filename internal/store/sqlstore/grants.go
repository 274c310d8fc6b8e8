package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

const grantCols = `g.id, g.user_id, g.role, g.org_id, g.reason, g.state, g.requested_by, g.requested_at, COALESCE(g.decided_by, 0), g.decided_at,
	g.note, u.username, u.display_name, r.display_name, COALESCE(d.display_name, ''), o.path, o.name`

const grantFrom = ` FROM role_grant_requests g JOIN users u ON u.id = g.user_id JOIN users r ON r.id = g.requested_by
	LEFT JOIN users d ON d.id = g.decided_by JOIN org_units o ON o.id = g.org_id`

func scanGrant(sc interface{ Scan(...any) error }) (store.GrantRequest, error) {
	var g store.GrantRequest
	var role string
	var dec sql.NullTime
	err := sc.Scan(&g.ID, &g.UserID, &role, &g.OrgID, &g.Reason, &g.State, &g.RequestedBy, &g.RequestedAt, &g.DecidedBy, &dec,
		&g.Note, &g.Username, &g.UserName, &g.Requester, &g.Decider, &g.OrgPath, &g.OrgName)
	g.Role, g.RequestedAt, g.DecidedAt = domain.Role(role), g.RequestedAt.UTC(), timePtr(dec)
	return g, err
}

func (db *DB) CreateGrantRequest(ctx context.Context, g *store.GrantRequest) error {
	if g.RequestedAt.IsZero() {
		g.RequestedAt = time.Now()
	}
	g.RequestedAt, g.State = g.RequestedAt.UTC(), store.GrantPending
	err := db.tx(ctx, "request role grant", func(t *wtx) error {
		err := t.QueryRowContext(ctx, `INSERT INTO role_grant_requests (user_id, role, org_id, reason, state, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			g.UserID, string(g.Role), g.OrgID, g.Reason, g.State, g.RequestedBy, g.RequestedAt).Scan(&g.ID)
		if err == nil {
			t.about("grant", g.ID)
			t.about("user", g.UserID)
		}
		return err
	})
	return db.wrap("create grant request", err)
}

func (db *DB) GetGrantRequest(ctx context.Context, id int64) (store.GrantRequest, error) {
	g, err := scanGrant(db.read().QueryRowContext(ctx, `SELECT `+grantCols+grantFrom+` WHERE g.id = $1`, id))
	return g, db.wrap("get grant request", err)
}

func (db *DB) ListGrantRequests(ctx context.Context, q store.GrantQuery) ([]store.GrantRequest, error) {
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 200
	}
	where, args := "", []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		if where == "" {
			where = " WHERE "
		} else {
			where += " AND "
		}
		where += fmt.Sprintf(cond, len(args))
	}
	if q.State != "" {
		add("g.state = $%d", q.State)
	}
	if q.Decided {
		add("g.state <> $%d", store.GrantPending)
	}
	if q.UserID != 0 {
		add("g.user_id = $%d", q.UserID)
	}
	if q.BeforeID != 0 {
		add("g.id < $%d", q.BeforeID)
	}
	if len(q.Reach) > 0 || q.Mine != 0 {
		// The reader's reach as one OR of path ranges (each role exception
		// with it), plus the requests they made.
		var or []string
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		for _, r := range q.Reach {
			lo, hi := prefixRange(r.Prefix)
			c := "(o.path >= " + arg(lo) + " AND o.path < " + arg(hi)
			for _, role := range r.Except {
				c += " AND g.role <> " + arg(string(role))
			}
			or = append(or, c+")")
		}
		if q.Mine != 0 {
			or = append(or, "g.requested_by = "+arg(q.Mine))
		}
		if where == "" {
			where = " WHERE "
		} else {
			where += " AND "
		}
		where += "(" + strings.Join(or, " OR ") + ")"
	}
	order := "DESC"
	if q.Oldest {
		order = "ASC"
	}
	args = append(args, q.Limit)
	rows, err := db.read().QueryContext(ctx, `SELECT `+grantCols+grantFrom+where+fmt.Sprintf(` ORDER BY g.id %s LIMIT $%d`, order, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list grant requests", err)
	}
	defer rows.Close()
	var out []store.GrantRequest
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, db.wrap("scan grant request", err)
		}
		out = append(out, g)
	}
	return out, db.wrap("list grant requests", rows.Err())
}

func (db *DB) DecideGrantRequest(ctx context.Context, id int64, state string, by int64, note string, at time.Time) error {
	if state != store.GrantApproved && state != store.GrantRejected {
		return fmt.Errorf("decide grant request %d: bad state %q", id, state)
	}
	err := db.tx(ctx, map[string]string{store.GrantApproved: "approve role grant", store.GrantRejected: "reject role grant"}[state], func(t *wtx) error {
		t.about("grant", id)
		res, err := t.ExecContext(ctx, `UPDATE role_grant_requests SET state = $1, decided_by = $2, decided_at = $3, note = $4
			WHERE id = $5 AND state = $6`, state, by, at.UTC(), note, id, store.GrantPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var cur string
		if err := t.QueryRowContext(ctx, `SELECT state FROM role_grant_requests WHERE id = $1`, id).Scan(&cur); err != nil {
			return err // sql.ErrNoRows: not found
		}
		return fmt.Errorf("grant request %d is %s: %w", id, cur, store.ErrConflict)
	})
	return db.wrap("decide grant request", err)
}

func (db *DB) RemoveBinding(ctx context.Context, b store.Binding) error {
	res, err := db.writeOn("user", b.UserID).ExecContext(ctx, `DELETE FROM role_bindings WHERE user_id = $1 AND role = $2 AND org_id = $3`,
		b.UserID, string(b.Role), b.OrgID)
	return db.wrap("remove role binding", mustAffect(res, err))
}
