package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) LoginFailure(ctx context.Context, userID int64, at time.Time, maxFailures int, lockFor time.Duration) (int, *time.Time, error) {
	at = at.UTC()
	var n int
	var lock sql.NullTime
	// One statement: the count and the lock move together under the row's
	// write lock, so no two failures read the same count. An expired lock
	// starts the count again at one.
	run := func(t *wtx) error {
		t.about("user", userID)
		return t.QueryRowContext(ctx, `UPDATE users SET
			failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 ELSE failed_logins + 1 END,
			locked_until = CASE
				WHEN locked_until IS NOT NULL AND locked_until > $1 THEN locked_until
				WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until <= $1 THEN 1 ELSE failed_logins + 1 END) >= $2 THEN $3
				ELSE NULL END
			WHERE id = $4 RETURNING failed_logins, locked_until`, at, maxFailures, at.Add(lockFor), userID).Scan(&n, &lock)
	}
	var err error
	if db.cur != nil {
		err = run(db.cur)
	} else {
		err = unwrapTx(db.tx(ctx, "", run))
	}
	if err != nil {
		return 0, nil, db.wrap("record sign-in failure", err)
	}
	return n, timePtr(lock), nil
}

func (db *DB) LoginSuccess(ctx context.Context, userID int64, at time.Time) (bool, error) {
	at = at.UTC()
	res, err := db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1
		WHERE id = $2 AND (locked_until IS NULL OR locked_until <= $1)`, at, userID)
	if err != nil {
		return false, db.wrap("record sign-in", err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.wrap("record sign-in", err)
}

func (db *DB) ChangePassword(ctx context.Context, userID int64, hash string, at time.Time) error {
	res, err := db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL,
		password_changed_at = $2, must_change_password = FALSE WHERE id = $3`, hash, at.UTC(), userID)
	return db.wrap("change password", mustAffect(res, err))
}

func (db *DB) SetUserPhone(ctx context.Context, userID int64, sealed, mask string) error {
	res, err := db.writeOn("user", userID).ExecContext(ctx, `UPDATE users SET phone_sealed = $1, phone_mask = $2 WHERE id = $3`, sealed, mask, userID)
	return db.wrap("set user phone", mustAffect(res, err))
}

func (db *DB) LatestSecurityPolicy(ctx context.Context) (store.SecurityPolicy, error) {
	var p store.SecurityPolicy
	err := db.read().QueryRowContext(ctx, `SELECT id, policy, created_by, created_at FROM security_policies ORDER BY id DESC LIMIT 1`).
		Scan(&p.ID, &p.Policy, &p.CreatedBy, &p.Created)
	p.Created = p.Created.UTC()
	return p, db.wrap("latest security policy", err)
}

func (db *DB) AddSecurityPolicy(ctx context.Context, p *store.SecurityPolicy) error {
	if p.Created.IsZero() {
		p.Created = time.Now()
	}
	p.Created = p.Created.UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO security_policies (policy, created_by, created_at) VALUES ($1, $2, $3) RETURNING id`,
			p.Policy, p.CreatedBy, p.Created).Scan(&p.ID)
	})
	return db.wrap("add security policy", err)
}

func (db *DB) CreateLoginChallenge(ctx context.Context, c *store.LoginChallenge) error {
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	c.Created, c.Expires = c.Created.UTC(), c.Expires.UTC()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO login_challenges (user_id, code_hash, expires_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			c.UserID, c.CodeHash, c.Expires, c.Created).Scan(&c.ID)
	})
	return db.wrap("create login challenge", err)
}

func (db *DB) TryLoginChallenge(ctx context.Context, id int64) (store.LoginChallenge, error) {
	var c store.LoginChallenge
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `UPDATE login_challenges SET tries = tries + 1 WHERE id = $1 AND used_at IS NULL
			RETURNING id, user_id, code_hash, tries, expires_at, created_at`, id).
			Scan(&c.ID, &c.UserID, &c.CodeHash, &c.Tries, &c.Expires, &c.Created)
	})
	c.Expires, c.Created = c.Expires.UTC(), c.Created.UTC()
	return c, db.wrap("try login challenge", err)
}

func (db *DB) UseLoginChallenge(ctx context.Context, id int64, at time.Time) error {
	res, err := db.write().ExecContext(ctx, `UPDATE login_challenges SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, at.UTC(), id)
	return db.wrap("use login challenge", mustAffect(res, err))
}
