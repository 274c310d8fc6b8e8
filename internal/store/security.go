package store

import (
	"context"
	"time"
)

// SecurityStore keeps what sign-in needs beyond the user row (issue 16):
// the lockout counted in one statement, the versioned sign-in policy, staff
// phones for the second factor and its SMS codes.
type SecurityStore interface {
	// LoginFailure counts one failed sign-in in a single statement: the
	// count goes up by one (starting again at one when an earlier lock has
	// run out) and, when it reaches maxFailures, the account locks until
	// at+lockFor; a lock still running is kept. Parallel failures therefore
	// lock exactly as serial ones do. It returns the count and lock after it.
	LoginFailure(ctx context.Context, userID int64, at time.Time, maxFailures int, lockFor time.Duration) (failures int, lockedUntil *time.Time, err error)
	// LoginSuccess clears the count and records the sign-in, in one
	// statement that does nothing when the account is locked at at (ok is
	// then false): a right password racing a burst of wrong ones cannot
	// undo the lock they set.
	LoginSuccess(ctx context.Context, userID int64, at time.Time) (ok bool, err error)
	// ChangePassword sets a new password hash changed at at (the start of
	// its validity under the policy's expiry), clearing the failure count.
	ChangePassword(ctx context.Context, userID int64, hash string, at time.Time) error
	// SetUserPhone sets a user's mobile for second-factor codes (sealed, and masked for display).
	SetUserPhone(ctx context.Context, userID int64, sealed, mask string) error

	// LatestSecurityPolicy is the sign-in policy in force (ErrNotFound: never set, the defaults apply).
	LatestSecurityPolicy(ctx context.Context) (SecurityPolicy, error)
	// AddSecurityPolicy stores a new version; earlier ones stay.
	AddSecurityPolicy(ctx context.Context, p *SecurityPolicy) error

	// CreateLoginChallenge stores a second-factor code (its hash) for a user.
	CreateLoginChallenge(ctx context.Context, c *LoginChallenge) error
	// TryLoginChallenge counts one try of an unused challenge in a single
	// statement and returns it as it stands after; ErrNotFound when it is
	// unknown or already used.
	TryLoginChallenge(ctx context.Context, id int64) (LoginChallenge, error)
	// UseLoginChallenge marks a challenge used; ErrNotFound when it already was.
	UseLoginChallenge(ctx context.Context, id int64, at time.Time) error
}

// SecurityPolicy is one version of the sign-in policy; Policy is JSON kept by internal/auth.
type SecurityPolicy struct {
	ID        int64
	Policy    string
	CreatedBy int64
	Created   time.Time
}

// LoginChallenge is a second-factor SMS code sent after a right password.
type LoginChallenge struct {
	ID       int64
	UserID   int64
	CodeHash string
	Tries    int
	Expires  time.Time
	Used     *time.Time
	Created  time.Time
}
