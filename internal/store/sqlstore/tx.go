package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

// querier is what reads need: the read pool, or the open transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// execer is what a single-statement write needs.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// read is where reads go: inside InTx they see the transaction's own writes.
func (db *DB) read() querier {
	if db.cur != nil {
		return db.cur
	}
	var q querier = db.r
	if db.rd != nil {
		q = db.rd
	}
	return db.traced(q)
}

// traced wraps q while a test collects read statements (readtrace.go).
func (db *DB) traced(q querier) querier {
	if db.trace != nil {
		if t := db.trace.on.Load(); t != nil {
			return tracingQuerier{q, t}
		}
	}
	return q
}

// SetGenericReader gives the store PostgreSQL's pool of readers that plan
// each statement once, without its values (plan_cache_mode =
// force_generic_plan); Close closes it. See readGeneric.
func (db *DB) SetGenericReader(g *sql.DB) { db.gr = g }

// readGeneric is where the reads go whose every plan is the same index walk
// whatever the values: a mediator's lists, each branch an equality on the
// mediator's index in its order. Planned with their values (read), their
// nine branches took 2.2 ms to plan for 0.35 ms of work at 1,000,000
// cases; planned once, the whole statement takes 0.35 ms. A list whose
// plan depends on its values (a scope's paths, a text) must stay on read,
// or read its index behind an OFFSET 0 fence with the other conditions
// after it, as a room's list and the clock lists do (docs/decisions.md).
// The same holds for a lookup by a key (a case's rows by its id, a user's
// bindings, a session by its token): its plan is that key's index, and
// planned with its values each took 0.05–0.1 ms to plan for 0.03 of work,
// about fifteen of them on every case page.
// Inside a transaction, and on SQLite, it is read.
func (db *DB) readGeneric() querier {
	if db.cur != nil || db.gr == nil {
		return db.read()
	}
	return db.traced(db.gr)
}

// write is where a single-statement write goes: the open transaction, or a
// transaction of its own so that the audit entry commits with it.
func (db *DB) write() execer {
	if db.cur != nil {
		return db.cur
	}
	return autoTx{db: db}
}

// autoTx runs one statement in its own audited transaction.
type autoTx struct {
	db   *DB
	kind string // the object, when known
	id   any
}

func (a autoTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := a.db.tx(ctx, statementAction(query), func(tx *wtx) error {
		if a.kind != "" {
			tx.about(a.kind, a.id)
		}
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, unwrapTx(err)
}

// unwrapTx undoes tx's wrapping for callers that wrap the error themselves.
func unwrapTx(err error) error {
	var w *txError
	if errors.As(err, &w) {
		return w.err
	}
	return err
}

type txError struct {
	what string
	err  error
}

func (e *txError) Error() string { return e.what + ": " + e.err.Error() }
func (e *txError) Unwrap() error { return e.err }

// statementAction names a statement for the audit trail: "update consents".
func statementAction(q string) string {
	f := strings.Fields(q)
	switch {
	case len(f) >= 3 && (strings.EqualFold(f[0], "INSERT") || strings.EqualFold(f[0], "DELETE")):
		return strings.ToLower(f[0]) + " " + f[2]
	case len(f) >= 2:
		return strings.ToLower(f[0]) + " " + f[1]
	}
	return "write"
}

// InTx runs fn with a Store whose every call belongs to one transaction:
// all of fn's writes commit together, with one audit entry, or none do.
// Inside, a failing store call rolls back only its own part (a savepoint),
// so fn may handle the error and carry on; an error returned by fn rolls
// back everything. Calls nest: InTx inside InTx joins the outer transaction.
func (db *DB) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if db.cur != nil {
		return fn(db)
	}
	return unwrapTx(db.tx(ctx, "", func(t *wtx) error {
		return fn(&DB{w: db.w, r: db.r, d: db.d, stmts: db.stmts, hooks: db.hooks, cfg: db.cfg, schema: db.schema, counts: db.counts,
			searchSparse: db.searchSparse, plans: db.plans, cur: t})
	}))
}

// JobTx runs fn on the raw transaction so the job queue can insert or
// complete jobs atomically with the change around it. Inside InTx it joins
// that transaction; outside it opens one of its own. what names the step in
// the audit entry (River's writes bypass the digest); "" writes none (the
// outbox pump moving jobs already on record).
func (db *DB) JobTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	run := func(t *wtx) error {
		if err := fn(t.Tx); err != nil {
			return err
		}
		if what != "" {
			t.note(what)
			t.writes++
		}
		return nil
	}
	if db.cur != nil {
		return run(db.cur)
	}
	return unwrapTx(db.tx(ctx, what, run))
}

// tx runs fn in a write transaction (a savepoint when one is already open)
// and, at the outermost commit, appends the audit entry for what was written.
func (db *DB) tx(ctx context.Context, what string, fn func(*wtx) error) error {
	if t := db.cur; t != nil {
		return t.savepoint(ctx, what, fn)
	}
	db.stmts.preparePending(ctx, db.w)
	var sqlTx *sql.Tx
	var err error
	if db.d.BulkBegin != "" && store.BulkWrites(ctx) {
		conn, cerr := db.w.Conn(ctx)
		if cerr != nil {
			return fmt.Errorf("%s: writer connection: %w", what, cerr)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, db.d.BulkBegin); err != nil {
			return fmt.Errorf("%s: %s: %w", what, db.d.BulkBegin, err)
		}
		// Back to the usual setting after commit or rollback, whatever
		// became of ctx: the connection serves every other writer next.
		defer conn.ExecContext(context.WithoutCancel(ctx), db.d.BulkEnd)
		sqlTx, err = conn.BeginTx(ctx, nil)
	} else {
		sqlTx, err = db.w.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	t := &wtx{Tx: sqlTx, db: db}
	t.note(what)
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return db.wrap(what, err)
	}
	if err := t.appendAudit(ctx); err != nil {
		_ = sqlTx.Rollback()
		return db.wrap(what+": audit", err)
	}
	if err := t.storeHead(ctx); err != nil {
		_ = sqlTx.Rollback()
		return db.wrap(what+": audit", err)
	}
	err = sqlTx.Commit()
	if t.cfgDirty && db.cfg != nil {
		db.cfg.invalidate()
	}
	if err != nil {
		return db.wrap(what+": commit", err)
	}
	// This instance's own change shows in its next list at once, not
	// when the notification comes back (countlisten.go).
	db.countsMoved()
	return nil
}

// savepoint runs fn so that its failure undoes only its own writes.
func (t *wtx) savepoint(ctx context.Context, what string, fn func(*wtx) error) error {
	t.sp++
	name := fmt.Sprintf("sp%d", t.sp)
	if _, err := t.Tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return t.db.wrap(what+": savepoint", err)
	}
	mark := t.mark()
	if err := fn(t); err != nil {
		if _, rerr := t.Tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return t.db.wrap(what, errors.Join(err, rerr))
		}
		t.reset(mark)
		return t.db.wrap(what, err)
	}
	if _, err := t.Tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return t.db.wrap(what+": release savepoint", err)
	}
	t.note(what)
	return nil
}

// wtx is a write transaction whose statements come from the cache and whose
// writes are digested for the audit trail.
type wtx struct {
	*sql.Tx
	db       *DB
	sp       int
	writes   int
	actions  []string
	stmtActs []string // what the statements did, when no action was named
	objects  []string
	digest   hash.Hash
	buf      []byte    // digestWrite's scratch
	head     chainHead // the audit chain's head as this transaction moved it
	cfgDirty bool      // a cached configuration table was written (cfgcache.go)
}

type txMark struct {
	writes, actions, objects int
	head                     chainHead
}

func (t *wtx) mark() txMark { return txMark{t.writes, len(t.actions), len(t.objects), t.head} }

// reset forgets what a rolled-back savepoint wrote. The digest cannot be
// rewound; it then also covers the undone statements, which is harmless: it
// only has to change when the written values do.
func (t *wtx) reset(m txMark) {
	t.writes, t.actions, t.objects, t.head = m.writes, t.actions[:m.actions], t.objects[:m.objects], m.head
}

// note records a named action of this transaction.
func (t *wtx) note(what string) {
	if what != "" {
		t.actions = appendOnce(t.actions, what)
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// about names the object the transaction changes, e.g. about("case", 42).
func (t *wtx) about(kind string, id any) {
	t.objects = appendOnce(t.objects, fmt.Sprintf("%s:%v", kind, id))
}

func (t *wtx) digestWrite(query string, args []any) {
	if !isWrite(query) {
		return
	}
	t.writes++
	t.stmtActs = appendOnce(t.stmtActs, statementAction(query))
	if t.digest == nil {
		t.digest = sha256.New()
	}
	t.buf = appendDigest(t.buf[:0], query, args)
	t.digest.Write(t.buf)
}

// appendDigest writes a statement and its arguments as fmt's "%d:%s" and
// "|%T:%v" would (times and bytes canonical), without fmt on the common
// types: fmt was 7% of a 12315 import's CPU.
func appendDigest(b []byte, query string, args []any) []byte {
	b = strconv.AppendInt(b, int64(len(query)), 10)
	b = append(b, ':')
	b = append(b, query...)
	for _, a := range args {
		switch v := a.(type) {
		case time.Time:
			b = append(b, "|t:"...)
			b = audit.Canonical(v).AppendFormat(b, time.RFC3339Nano)
		case []byte:
			sum := sha256.Sum256(v)
			b = append(b, "|b:"...)
			b = hex.AppendEncode(b, sum[:])
		case string:
			b = append(b, "|string:"...)
			b = append(b, v...)
		case int64:
			b = append(b, "|int64:"...)
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = append(b, "|int:"...)
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			b = append(b, "|bool:"...)
			b = strconv.AppendBool(b, v)
		case sql.NullInt64:
			b = append(b, "|sql.NullInt64:{"...)
			b = strconv.AppendInt(b, v.Int64, 10)
			b = append(b, ' ')
			b = strconv.AppendBool(b, v.Valid)
			b = append(b, '}')
		case sql.NullString:
			b = append(b, "|sql.NullString:{"...)
			b = append(b, v.String...)
			b = append(b, ' ')
			b = strconv.AppendBool(b, v.Valid)
			b = append(b, '}')
		default:
			b = fmt.Appendf(b, "|%T:%v", a, a)
		}
	}
	return b
}

func isWrite(q string) bool {
	q = strings.TrimSpace(q)
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

func (t *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	t.digestWrite(query, args)
	if s := t.db.stmts.get(query); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.digestWrite(query, args)
	if s := t.db.stmts.get(query); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.digestWrite(query, args)
	if s := t.db.stmts.get(query); s != nil {
		return t.Tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// appendAudit links one entry for this transaction's writes to the chain.
// The head row is updated first: on PostgreSQL its row lock orders the
// chain across concurrent transactions (SQLite has one writer anyway).
func (t *wtx) appendAudit(ctx context.Context) error { return t.appendAuditAs(ctx, audit.From(ctx)) }

// appendAuditAs is appendAudit with the actor given (a unit of a batch
// names its own caller, not the batch's context).
func (t *wtx) appendAuditAs(ctx context.Context, actor audit.Actor) error {
	if t.writes == 0 {
		return nil
	}
	e := audit.Entry{At: audit.Canonical(time.Now()), Actor: actor, Action: strings.Join(t.actions, "; "),
		Object: strings.Join(t.objects, ",")}
	if e.Action == "" {
		e.Action = strings.Join(t.stmtActs, "; ")
	}
	if t.digest != nil {
		e.After = hex.EncodeToString(t.digest.Sum(nil))
	}
	return t.link(ctx, &e)
}

// link numbers the entry, chains it to the head and stores it.
func (t *wtx) link(ctx context.Context, e *audit.Entry) error {
	if t.head.held {
		// A later entry of the same transaction (a batch's units): the head
		// row is locked by this transaction already and moved once at commit.
		e.Seq, e.Prev = t.head.seq+1, t.head.hash
	} else if err := t.Tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.Prev); err != nil {
		return fmt.Errorf("advance audit head: %w", err)
	}
	if e.Object != "" && !strings.Contains(e.Object, ",") {
		// Through the index on the objects' first 200 characters (migration
		// 67): for a shorter object, as every "kind:id" is, that prefix
		// equals it only where the whole value does.
		q := `SELECT after_digest FROM audit_log WHERE substr(object, 1, 200) = $1 ORDER BY seq DESC LIMIT 1`
		if utf8.RuneCountInString(e.Object) >= 200 {
			q = `SELECT after_digest FROM audit_log WHERE object = $1 ORDER BY seq DESC LIMIT 1`
		}
		err := t.Tx.QueryRowContext(ctx, q, e.Object).Scan(&e.Before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("previous audit entry of %s: %w", e.Object, err)
		}
	}
	e.Hash = e.ComputeHash()
	a := e.Actor
	if _, err := t.Tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, role, unit_id, unit_path, request_id, client_addr,
		action, object, before_digest, after_digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		e.Seq, e.At, a.Kind, a.ID, a.Name, a.Role, a.UnitID, a.UnitPath, a.RequestID, a.Addr, e.Action, e.Object, e.Before, e.After, e.Prev, e.Hash); err != nil {
		return fmt.Errorf("insert audit entry: %w", err)
	}
	t.head = chainHead{held: true, seq: e.Seq, hash: e.Hash, moved: true}
	return nil
}

// chainHead is the audit chain's head as this transaction has moved it:
// read (and locked) by its first entry, written back once before commit.
type chainHead struct {
	held  bool // the head row is locked and seq/hash are current
	moved bool // entries were linked since the row was last written
	seq   int64
	hash  string
}

// storeHead writes the head the transaction's entries moved; run just
// before commit. A savepoint rolled back after an entry restores the head
// kept in memory with it (txMark, wtx.unit), so the row always names the
// last entry that commits.
func (t *wtx) storeHead(ctx context.Context) error {
	if !t.head.moved {
		return nil
	}
	if _, err := t.Tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, t.head.seq, t.head.hash); err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	t.head.moved = false
	return nil
}

// sessionWriter writes web sessions outside the audit trail: they hold
// sign-in tokens, not case data, and change on every signed-in request.
func (db *DB) sessionWriter() execer {
	if db.cur != nil {
		return db.cur
	}
	return db.w
}

// primary reads the latest committed state (SQLite: the write connection).
func (db *DB) primary() querier {
	if db.cur != nil {
		return db.cur
	}
	return db.traced(db.w)
}

// writeRow runs a write that returns a row (INSERT … RETURNING) in the open
// transaction, or in an audited one of its own.
func (db *DB) writeRow(ctx context.Context, fn func(q rowQuerier) error) error {
	if db.cur != nil {
		return fn(db.cur)
	}
	return unwrapTx(db.tx(ctx, "", func(t *wtx) error { return fn(t) }))
}

// writeOn is write for a statement about one object, named in the audit entry.
func (db *DB) writeOn(kind string, id any) execer {
	if db.cur != nil {
		db.cur.about(kind, id)
		return db.cur
	}
	return autoTx{db: db, kind: kind, id: id}
}
