package sqlstore

import (
	"context"
	"fmt"
	"strings"
)

// SealedColumn is a column holding values sealed with the personal-data key
// (internal/pii), and the columns that identify its rows, for paging.
type SealedColumn struct {
	Table  string
	Key    []string
	Column string
}

// Name is "table.column".
func (c SealedColumn) Name() string { return c.Table + "." + c.Column }

// SealedColumns are every column sealed with the personal-data key. A new
// *_sealed column must be added here, or key rotation leaves it behind
// (TestSealedColumnsComplete finds one that is not).
var SealedColumns = []SealedColumn{
	{"parties", []string{"id"}, "phone_sealed"},
	{"parties", []string{"id"}, "id_sealed"},
	{"sign_tokens", []string{"token_hash"}, "token_sealed"},
	{"party_links", []string{"token_hash"}, "token_sealed"},
	{"consents", []string{"case_id", "party_kind"}, "token_sealed"},
	{"sms_outbox", []string{"id"}, "phone_sealed"},
	{"sms_outbox", []string{"id"}, "body_sealed"},
	{"liaison_contacts", []string{"id"}, "phone_sealed"},
	{"mediator_registry", []string{"user_id"}, "id_sealed"},
	{"mediator_registry", []string{"user_id"}, "phone_sealed"},
	{"users", []string{"id"}, "phone_sealed"},
}

// sealedKeyIDExpr is the key id a sealed value names ("v2:<8 hex>:…"), or
// "v1" for a value from before key ids.
func sealedKeyIDExpr(col string) string {
	return "CASE WHEN " + col + " LIKE 'v2:%' THEN substr(" + col + ", 4, 8) ELSE 'v1' END"
}

// SealedKeyCounts counts each column's non-empty sealed values by the id
// of the key that sealed them.
func (db *DB) SealedKeyCounts(ctx context.Context) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	for _, c := range SealedColumns {
		rows, err := db.r.QueryContext(ctx, `SELECT `+sealedKeyIDExpr(c.Column)+` AS kid, COUNT(*) FROM `+c.Table+
			` WHERE `+c.Column+` <> '' GROUP BY 1`)
		if err != nil {
			return nil, fmt.Errorf("count %s by key: %w", c.Name(), err)
		}
		m := map[string]int{}
		for rows.Next() {
			var kid string
			var n int
			if err := rows.Scan(&kid, &n); err != nil {
				rows.Close()
				return nil, err
			}
			m[kid] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[c.Name()] = m
	}
	return out, nil
}

// ResealColumn re-seals the values of one column not yet sealed with key
// keyID: batch rows per transaction (each with its audit entry), reseal
// giving the new value. A row changed meanwhile by someone else keeps their
// value (the update compares the old one). It can stop anywhere: a later run
// carries on with what is left. It returns how many values it re-sealed.
func (db *DB) ResealColumn(ctx context.Context, c SealedColumn, keyID string, batch int, reseal func(string) (string, error)) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	if strings.ContainsAny(keyID, "%_'") {
		return 0, fmt.Errorf("bad key id %q", keyID)
	}
	keys := strings.Join(c.Key, ", ")
	var where []string
	for i, k := range c.Key {
		where = append(where, fmt.Sprintf("%s = $%d", k, i+2))
	}
	update := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s AND %s = $%d`, c.Table, c.Column, strings.Join(where, " AND "), c.Column, len(c.Key)+2)
	base := fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s <> '' AND %s NOT LIKE 'v2:%s:%%'`, keys, c.Column, c.Table, c.Column, c.Column, keyID)
	var cursor []any
	done := 0
	for {
		q := base
		if cursor != nil {
			ph := make([]string, len(cursor))
			for i := range cursor {
				ph[i] = fmt.Sprintf("$%d", i+1)
			}
			q += fmt.Sprintf(` AND (%s) > (%s)`, keys, strings.Join(ph, ", "))
		}
		q += fmt.Sprintf(` ORDER BY %s LIMIT %d`, keys, batch)
		n := 0
		err := db.tx(ctx, "keys.rotate "+c.Name(), func(t *wtx) error {
			rows, err := t.Tx.QueryContext(ctx, q, cursor...)
			if err != nil {
				return err
			}
			type row struct {
				key []any
				val string
			}
			var todo []row
			for rows.Next() {
				r := row{key: make([]any, len(c.Key))}
				dest := make([]any, len(c.Key)+1)
				for i := range r.key {
					dest[i] = &r.key[i]
				}
				dest[len(c.Key)] = &r.val
				if err := rows.Scan(dest...); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range todo {
				nv, err := reseal(r.val)
				if err != nil {
					return fmt.Errorf("%s row %v: %w", c.Name(), r.key, err)
				}
				args := append(append([]any{nv}, r.key...), r.val)
				if _, err := t.ExecContext(ctx, update, args...); err != nil {
					return err
				}
				n++
			}
			if len(todo) > 0 {
				cursor = todo[len(todo)-1].key
			}
			if len(todo) < batch {
				cursor = nil
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += n
		if cursor == nil {
			return done, nil
		}
	}
}

// SealedColumnsInSchema lists the schema's columns named *_sealed, as
// "table.column", to check SealedColumns against.
func (db *DB) SealedColumnsInSchema(ctx context.Context) ([]string, error) {
	q := `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name LIKE '%\_sealed' ESCAPE '\' ORDER BY 1`
	if db.d.Name == "sqlite" {
		q = `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND p.name LIKE '%\_sealed' ESCAPE '\' ORDER BY 1`
	}
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
