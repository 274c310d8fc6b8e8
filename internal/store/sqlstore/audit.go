package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) RecordAccess(ctx context.Context, action, object string) error {
	if db.cur != nil {
		db.cur.note(action)
		db.cur.objects = appendOnce(db.cur.objects, object)
		db.cur.writes++ // an entry is due even if nothing else is written
		return nil
	}
	return db.tx(ctx, action, func(t *wtx) error {
		e := audit.Entry{At: audit.Canonical(time.Now()), Actor: audit.From(ctx), Action: action, Object: object}
		return t.link(ctx, &e)
	})
}

const auditCols = `seq, at, actor_kind, actor_id, actor_name, role, unit_id, unit_path, request_id, client_addr, action, object,
	before_digest, after_digest, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	a := &e.Actor
	err := sc.Scan(&e.Seq, &e.At, &a.Kind, &a.ID, &a.Name, &a.Role, &a.UnitID, &a.UnitPath, &a.RequestID, &a.Addr, &e.Action, &e.Object,
		&e.Before, &e.After, &e.Prev, &e.Hash)
	e.At = audit.Canonical(e.At)
	return e, err
}

func (db *DB) ListAudit(ctx context.Context, q store.AuditQuery) ([]audit.Entry, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !q.From.IsZero() {
		where = append(where, "at >= "+arg(q.From.UTC()))
	}
	if !q.To.IsZero() {
		where = append(where, "at < "+arg(q.To.UTC()))
	}
	if q.Actor != "" {
		where = append(where, "actor_name = "+arg(q.Actor))
	}
	if q.Object != "" {
		if strings.HasSuffix(q.Object, ":") {
			// A kind's entries, by the index on the objects' first 200
			// characters (migration 67); the whole value decides when the
			// bound is longer.
			lo, hi := arg(q.Object), arg(q.Object[:len(q.Object)-1]+";")
			where = append(where, "substr(object, 1, 200) >= "+lo+" AND substr(object, 1, 200) < "+hi+" AND object >= "+lo+" AND object < "+hi)
		} else {
			// The entries naming the object, alone or among others, by
			// their objects' table (migration 90): never the log walked
			// until a page of them is found.
			where = append(where, "seq IN (SELECT seq FROM audit_objects WHERE object = "+arg(q.Object)+")")
		}
	}
	if !q.Scope.All {
		// System, party and public entries belong to no unit: only an auditor
		// of the whole tree (bound at its root) sees them.
		// The newest entries of a scope are found by walking the log
		// newest first and filtering: SQLite would otherwise read the
		// scope's every entry by its unit index and sort them all (an
		// auditor's district holds nearly the whole log). "+" keeps it off
		// that index; PostgreSQL weighs the range with its statistics.
		col := "unit_path"
		if db.d.Name == "sqlite" {
			col = "+unit_path"
		}
		var or []string
		for _, pre := range q.Scope.Prefixes {
			lo, hi := prefixRange(pre)
			or = append(or, "("+col+" >= "+arg(lo)+" AND "+col+" < "+arg(hi)+")")
			if strings.Count(pre, "/") == 2 {
				or = append(or, col+" = ''")
			}
		}
		if len(or) == 0 {
			return nil, nil
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if q.BeforeSeq > 0 {
		where = append(where, "seq < "+arg(q.BeforeSeq))
	}
	limit := q.Limit
	if limit <= 0 || limit > 5000 {
		limit = 200
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log`+cond+` ORDER BY seq DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, db.wrap("list audit", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, db.wrap("scan audit entry", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("list audit", rows.Err())
}

func (db *DB) WalkAudit(ctx context.Context, fn func(audit.Entry) error) (int64, string, error) {
	var headSeq int64
	var headHash string
	if err := db.read().QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, "", db.wrap("read audit head", err)
	}
	// Keyset pages, so a long trail is read in bounded memory and no row is skipped.
	var after int64
	for {
		rows, err := db.read().QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 1000`, after, headSeq)
		if err != nil {
			return 0, "", db.wrap("walk audit", err)
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return 0, "", db.wrap("scan audit entry", err)
			}
			n++
			after = e.Seq
			if err := fn(e); err != nil {
				rows.Close()
				return 0, "", err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, "", db.wrap("walk audit", err)
		}
		if n < 1000 {
			return headSeq, headHash, nil
		}
	}
}
