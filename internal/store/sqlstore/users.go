package sqlstore

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

const userCols = `id, username, display_name, password_hash, active, failed_logins, locked_until, last_login_at, created_at,
	password_changed_at, phone_sealed, phone_mask, must_change_password`

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var locked, last, changed sql.NullTime
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.Active, &u.FailedLogins, &locked, &last, &u.Created,
		&changed, &u.PhoneSealed, &u.PhoneMask, &u.MustChangePassword)
	u.LockedUntil, u.LastLoginAt, u.Created, u.PasswordChanged = timePtr(locked), timePtr(last), u.Created.UTC(), timePtr(changed)
	return u, err
}

func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	u.Created = time.Now().UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, active, created_at, must_change_password)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.Username, u.DisplayName, u.PasswordHash, u.Active, u.Created, u.MustChangePassword).Scan(&u.ID)
	})
	return db.wrap("create user", err)
}

func (db *DB) GetUser(ctx context.Context, id int64) (store.User, error) {
	u, err := scanUser(db.readGeneric().QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, db.wrap("get user", err)
}

func (db *DB) GetUserByUsername(ctx context.Context, username string) (store.User, error) {
	u, err := scanUser(db.read().QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	return u, db.wrap("get user by username", err)
}

func (db *DB) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, error) {
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	// Keyset pages along the username's unique index: a city's accounts
	// are reached page by page, none left behind a fixed window.
	rows, err := db.read().QueryContext(ctx, `SELECT `+userCols+` FROM users
		WHERE username > $4 AND ($1 = '' OR username LIKE $2 ESCAPE '\' OR display_name LIKE $2 ESCAPE '\') ORDER BY username LIMIT $3`,
		q.Text, "%"+likeEscape(q.Text)+"%", limit, q.After)
	if err != nil {
		return nil, db.wrap("list users", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.wrap("scan user", err)
		}
		out = append(out, u)
	}
	return out, db.wrap("list users", rows.Err())
}

func (db *DB) SetPassword(ctx context.Context, userID int64, hash string) error {
	res, err := db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL,
		password_changed_at = $2, must_change_password = FALSE WHERE id = $3`, hash, time.Now().UTC(), userID)
	return db.wrap("set password", mustAffect(res, err))
}

func (db *DB) RecordLogin(ctx context.Context, userID int64, ok bool, at time.Time, lockedUntil *time.Time) error {
	var res sql.Result
	var err error
	if ok {
		res, err = db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2`, at.UTC(), userID)
	} else {
		res, err = db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
			locked_until = COALESCE($1, locked_until) WHERE id = $2`, nullTime(lockedUntil), userID)
	}
	return db.wrap("record login", mustAffect(res, err))
}

func (db *DB) AddBinding(ctx context.Context, b store.Binding) error {
	_, err := db.writeOn("user", b.UserID).ExecContext(ctx, `INSERT INTO role_bindings (user_id, role, org_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, b.UserID, string(b.Role), b.OrgID)
	return db.wrap("add role binding", err)
}

func (db *DB) ListBindings(ctx context.Context, userID int64) ([]store.Binding, error) {
	return db.bindings(ctx, db.readGeneric, `b.user_id = $1 ORDER BY b.role, o.path`, userID)
}

func (db *DB) ListBindingsOf(ctx context.Context, userIDs []int64) ([]store.Binding, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	bs, err := db.bindings(ctx, db.read, `b.user_id IN (`+idList(userIDs)+`) ORDER BY b.user_id, b.role, o.path`)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(userIDs))
	for i, id := range userIDs {
		if _, ok := at[id]; !ok {
			at[id] = i
		}
	}
	sort.SliceStable(bs, func(i, j int) bool { return at[bs[i].UserID] < at[bs[j].UserID] })
	return bs, nil
}

// bindings reads role bindings with their unit's path and name; where is
// the statement's condition and order.
func (db *DB) bindings(ctx context.Context, via func() querier, where string, args ...any) ([]store.Binding, error) {
	rows, err := via().QueryContext(ctx, `SELECT b.user_id, b.role, b.org_id, o.path, o.name FROM role_bindings b
		JOIN org_units o ON o.id = b.org_id WHERE `+where, args...)
	if err != nil {
		return nil, db.wrap("list bindings", err)
	}
	defer rows.Close()
	var out []store.Binding
	for rows.Next() {
		var b store.Binding
		var role string
		if err := rows.Scan(&b.UserID, &role, &b.OrgID, &b.OrgPath, &b.OrgName); err != nil {
			return nil, db.wrap("scan binding", err)
		}
		b.Role = domain.Role(role)
		out = append(out, b)
	}
	return out, db.wrap("list bindings", rows.Err())
}

const tokenCols = `id, token_hash, kind, name, COALESCE(user_id, 0), role, COALESCE(org_id, 0), expires_at, revoked_at, created_at`

func scanToken(row interface{ Scan(...any) error }) (store.Token, error) {
	var t store.Token
	var role string
	var exp, rev sql.NullTime
	err := row.Scan(&t.ID, &t.Hash, &t.Kind, &t.Name, &t.UserID, &role, &t.OrgID, &exp, &rev, &t.Created)
	t.Role, t.ExpiresAt, t.RevokedAt, t.Created = domain.Role(role), timePtr(exp), timePtr(rev), t.Created.UTC()
	return t, err
}

func (db *DB) CreateToken(ctx context.Context, t *store.Token) error {
	t.Created = time.Now().UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, kind, name, user_id, role, org_id, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.Hash, t.Kind, t.Name, nullInt(t.UserID), string(t.Role), nullInt(t.OrgID), nullTime(t.ExpiresAt), t.Created).Scan(&t.ID)
	})
	return db.wrap("create token", err)
}

func (db *DB) GetTokenByHash(ctx context.Context, hash string) (store.Token, error) {
	t, err := scanToken(db.read().QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
	return t, db.wrap("get token", err)
}

func (db *DB) ListTokens(ctx context.Context, kind string) ([]store.Token, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE kind = $1 ORDER BY id DESC`, kind)
	if err != nil {
		return nil, db.wrap("list tokens", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, db.wrap("scan token", err)
		}
		out = append(out, t)
	}
	return out, db.wrap("list tokens", rows.Err())
}

func (db *DB) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	res, err := db.writeOn("token", id).ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
	return db.wrap("revoke token", mustAffect(res, err))
}

// Sessions: the shape scs.Store wants.

func (db *DB) SessionFind(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := db.read().QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, time.Now().UTC()).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, db.wrap("find session", err)
	}
	return data, true, nil
}

func (db *DB) SessionFindExpiry(ctx context.Context, token string) ([]byte, time.Time, bool, error) {
	var data []byte
	var expiry time.Time
	err := db.readGeneric().QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND expiry > $2`, token, time.Now().UTC()).Scan(&data, &expiry)
	if err == sql.ErrNoRows {
		return nil, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, db.wrap("find session", err)
	}
	return data, expiry, true, nil
}

func (db *DB) SessionCommit(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := db.sessionWriter().ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.UTC())
	return db.wrap("commit session", err)
}

func (db *DB) SessionDelete(ctx context.Context, token string) error {
	_, err := db.sessionWriter().ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return db.wrap("delete session", err)
}

func (db *DB) SessionDeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.sessionWriter().ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, now.UTC())
	if err != nil {
		return 0, db.wrap("delete expired sessions", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// mustAffect turns "no row updated" into ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return store.ErrNotFound
	}
	return nil
}
