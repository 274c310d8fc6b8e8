package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"sync"
)

// A test process's PostgreSQL databases (copies, kept copies, data
// templates) carry its owner tag in their names, and the process holds an
// advisory lock on that tag for as long as it lives. A process that dies
// without its cleanup (a test timeout's panic, a kill) leaves its databases
// behind but not its lock, which its session took along: the next process
// to start drops the databases whose owner holds no lock. The shared empty
// template (tjtpl_empty_…) belongs to no process and is kept.

// ownerLockClass is the first key of the owners' advisory locks; the second
// is the owner's tag.
const ownerLockClass = 0x746a7473 // "tjts"

// ownedName matches the names of databases that have an owner: prefix,
// owner tag (8 hex digits), random part.
var ownedName = regexp.MustCompile(`^(tj|tjtpl|tjtpl_build)_([0-9a-f]{8})_[0-9a-f]{12}$`)

// pgOwner is the process's owner tag and the connection holding its lock.
type pgOwner struct {
	tag  string
	conn *sql.Conn // kept open for the process's life: it holds the lock
	db   *sql.DB
	err  error
}

var (
	ownerOnce sync.Once
	owner     pgOwner
)

// ownedPrefix is the name prefix (tj, tjtpl, tjtpl_build) of a database
// this process makes, with its owner tag; the first call takes the lock and
// drops what dead owners left.
func ownedPrefix(ctx context.Context, base, prefix string) (string, error) {
	ownerOnce.Do(func() { owner = takeOwnership(ctx, base) })
	if owner.err != nil {
		return "", owner.err
	}
	return prefix + "_" + owner.tag, nil
}

func takeOwnership(ctx context.Context, base string) pgOwner {
	var b [4]byte
	rand.Read(b[:])
	key := int32(binary.BigEndian.Uint32(b[:]) & 0x7fffffff)
	o := pgOwner{tag: fmt.Sprintf("%08x", key)}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return pgOwner{err: fmt.Errorf("open the test server: %w", err)}
	}
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", ownerLockClass, key)
	}
	if err != nil {
		db.Close()
		return pgOwner{err: fmt.Errorf("take the test process's lock: %w", err)}
	}
	o.conn, o.db = conn, db
	// Best effort: a database that cannot be dropped now is tried by the
	// next process again.
	_, _ = dropOrphans(ctx, conn)
	return o
}

// dropOrphans drops the databases whose owner's lock is not held by any
// session, and reports which.
func dropOrphans(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'tj%'`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil && ownedName.MatchString(n) {
			names = append(names, n)
		}
	}
	rows.Close()
	live := map[string]bool{}
	var dropped []string
	for _, n := range names {
		tag := ownedName.FindStringSubmatch(n)[2]
		held, ok := live[tag]
		if !ok {
			k, _ := strconv.ParseInt(tag, 16, 64)
			err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
				AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2 AND granted)`, int64(ownerLockClass), k).Scan(&held)
			if err != nil {
				return dropped, err
			}
			live[tag] = held
		}
		if held {
			continue
		}
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)"); err != nil {
			return dropped, err
		}
		dropped = append(dropped, n)
	}
	return dropped, nil
}
