package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CreateCases writes a batch of new cases in one transaction (one commit,
// one fsync on PostgreSQL, one pass through SQLite's single writer), each
// case as CreateCase would write it alone: see store.Store.
func (db *DB) CreateCases(ctx context.Context, batch []store.BatchedCase) ([]store.BatchedResult, error) {
	if db.cur != nil {
		// Inside InTx the caller's transaction already groups its writes.
		return nil, errors.New("create cases: not available inside a transaction")
	}
	out := make([]store.BatchedResult, len(batch))
	paths := map[int64]string{} // org unit paths, read once per batch
	// No action is named for the transaction itself: every case links its
	// own audit entry, so nothing is left for the entry at commit.
	err := db.tx(ctx, "", func(t *wtx) error {
		for i, b := range batch {
			var broken error
			if out[i], broken = db.batchedCase(ctx, t, b, paths); broken != nil {
				return broken // the transaction cannot go on: nothing of the batch commits
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create cases (%d): %w", len(batch), err)
	}
	return out, nil
}

// batchedCase writes one case of a batch in its own savepoint. broken is
// an error that leaves the transaction unusable (a savepoint that could not
// be rolled back or released, a failed statement outside any savepoint).
func (db *DB) batchedCase(ctx context.Context, t *wtx, b store.BatchedCase, paths map[int64]string) (_ store.BatchedResult, broken error) {
	if err := b.Ctx.Err(); err != nil {
		return store.BatchedResult{Err: err}, nil // the caller has gone: nothing of its case is written
	}
	nc := b.New
	keyed := nc.ClientID != "" && nc.IdempotencyKey != ""
	byKey := func() (int64, bool, error) {
		id, err := db.caseIDByKey(ctx, t, nc.ClientID, nc.IdempotencyKey)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		return id, err == nil, db.wrap("create case: idempotency lookup", err)
	}
	if keyed {
		// A retried request (or the same key earlier in this batch) gets
		// what the first one created.
		// On PostgreSQL a failed read outside a savepoint aborts the
		// transaction: it breaks the batch.
		if id, ok, err := byKey(); err != nil || ok {
			return store.BatchedResult{ID: id}, err
		}
	}
	var id int64
	err, broken := t.unit(ctx, audit.From(b.Ctx), "create case", func() error {
		var err error
		id, err = insertCase(ctx, t, nc, paths)
		t.about("case", id)
		return err
	})
	if broken != nil {
		return store.BatchedResult{}, broken
	}
	if err == nil {
		return store.BatchedResult{ID: id, Created: true}, nil
	}
	err = db.wrap("create case", err)
	if keyed && errors.Is(err, store.ErrConflict) {
		// Lost a race with the same key in another transaction.
		id, ok, kerr := byKey()
		if kerr != nil {
			return store.BatchedResult{}, kerr
		}
		if ok {
			return store.BatchedResult{ID: id}, nil
		}
	}
	return store.BatchedResult{Err: err}, nil
}

// unit runs fn as one audited piece of a shared transaction, as if it were
// a transaction of its own: in its own savepoint (its failure undoes its
// writes only), with its own audit entry by actor, linked to the chain
// before the savepoint is released. The transaction's digest and action
// list start empty for the unit and are empty again after it. err is the
// unit's own failure (undone); broken means the transaction is unusable.
func (t *wtx) unit(ctx context.Context, actor audit.Actor, what string, fn func() error) (err, broken error) {
	clear := func() { t.writes, t.actions, t.stmtActs, t.objects, t.digest = 0, nil, nil, nil, nil }
	clear()
	defer clear()
	t.note(what)
	t.sp++
	name := fmt.Sprintf("sp%d", t.sp)
	if _, err := t.Tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return nil, fmt.Errorf("%s: savepoint: %w", what, err)
	}
	head := t.head // a rolled-back unit leaves the chain where it was
	err = fn()
	if err == nil {
		if err = t.appendAuditAs(ctx, actor); err != nil {
			err = fmt.Errorf("audit: %w", err)
		}
	}
	if err != nil {
		if _, rerr := t.Tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return nil, fmt.Errorf("%s: roll back to savepoint: %w", what, errors.Join(err, rerr))
		}
		t.head = head
		return err, nil
	}
	if _, err := t.Tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return nil, fmt.Errorf("%s: release savepoint: %w", what, err)
	}
	return nil, nil
}
