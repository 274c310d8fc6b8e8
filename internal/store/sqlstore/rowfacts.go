package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// idChunk is how many ids one set read binds. Shorter lists are padded
// with their last id so that every read of a kind is one statement shape
// (prepared once on SQLite's read pool). A read by ids has one plan
// whatever the ids, so on PostgreSQL it goes to the pool that plans once
// (readGeneric): planning 64 values took longer than reading their rows.
const idChunk = 64

// eachChunk calls fn with the distinct ids, idChunk at a time, padded.
func eachChunk(ids []int64, fn func(args []any) error) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		args := make([]any, idChunk)
		for i := range args {
			args[i] = ids[min(i, n-1)]
		}
		if err := fn(args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (db *DB) CaseRowsOf(ctx context.Context, caseIDs []int64) (map[int64]store.Case, error) {
	out := map[int64]store.Case{}
	err := eachChunk(caseIDs, func(args []any) error {
		rows, err := db.read().QueryContext(ctx, `SELECT `+db.caseColumns()+` FROM cases c WHERE c.id IN (`+inList(1, idChunk)+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			out[c.ID] = c
		}
		return rows.Err()
	})
	return out, db.wrap("read cases by id", err)
}

func (db *DB) AgreementsOf(ctx context.Context, caseIDs []int64) (map[int64]store.Agreement, error) {
	out := map[int64]store.Agreement{}
	err := eachChunk(caseIDs, func(args []any) error {
		rows, err := db.readGeneric().QueryContext(ctx, `SELECT case_id, kind, facts, responsibility, terms, effective_at, COALESCE(created_by, 0), created_at
			FROM agreements WHERE case_id IN (`+inList(1, idChunk)+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a store.Agreement
			var terms string
			var eff sql.NullTime
			if err := rows.Scan(&a.CaseID, &a.Kind, &a.Facts, &a.Responsibility, &terms, &eff, &a.CreatedBy, &a.Created); err != nil {
				return err
			}
			a.EffectiveAt, a.Created = timePtr(eff), a.Created.UTC()
			if err := json.Unmarshal([]byte(terms), &a.Terms); err != nil {
				return fmt.Errorf("agreement %d terms: %w", a.CaseID, err)
			}
			out[a.CaseID] = a
		}
		return rows.Err()
	})
	return out, db.wrap("list agreements of cases", err)
}

func (db *DB) SealedAgreements(ctx context.Context, caseIDs []int64) (map[int64]bool, error) {
	out, err := idSet(ctx, db.readGeneric(), caseIDs, `SELECT DISTINCT case_id FROM agreement_signatures
		WHERE signer = 'seal' AND case_id IN (%s)`)
	return out, db.wrap("list sealed agreements", err)
}

// idSet runs query (whose %s is the chunk's list of ids, numbered after
// the lead arguments) over ids a chunk at a time; the ids it selects are
// the set's.
func idSet(ctx context.Context, run querier, ids []int64, query string, lead ...any) (map[int64]bool, error) {
	out := map[int64]bool{}
	q := fmt.Sprintf(query, inList(len(lead)+1, idChunk))
	err := eachChunk(ids, func(args []any) error {
		rows, err := run.QueryContext(ctx, q, append(slices.Clone(lead), args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	return out, err
}

func (db *DB) EventsOf(ctx context.Context, caseIDs []int64) (map[int64][]store.Event, error) {
	out := map[int64][]store.Event{}
	err := eachChunk(caseIDs, func(args []any) error {
		rows, err := db.readGeneric().QueryContext(ctx, `SELECT id, case_id, seq, type, from_status, to_status, COALESCE(actor_id, 0),
			actor_name, at, reason_code, note, data FROM case_events WHERE case_id IN (`+inList(1, idChunk)+`) ORDER BY case_id, seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e store.Event
			var from, to string
			if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &e.Type, &from, &to, &e.ActorID, &e.ActorName, &e.At,
				&e.ReasonCode, &e.Note, &e.Data); err != nil {
				return err
			}
			e.FromStatus, e.ToStatus, e.At = domain.Status(from), domain.Status(to), e.At.UTC()
			out[e.CaseID] = append(out[e.CaseID], e)
		}
		return rows.Err()
	})
	return out, db.wrap("list events of cases", err)
}

func (db *DB) UserNames(ctx context.Context, userIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	var gen uint64
	if db.cached() {
		if gen, userIDs = db.cfg.generation(), db.cfg.getNames(userIDs, out); len(userIDs) == 0 {
			return out, nil
		}
	}
	read := map[int64]string{}
	err := eachChunk(userIDs, func(args []any) error {
		rows, err := db.read().QueryContext(ctx, `SELECT id, display_name FROM users WHERE id IN (`+inList(1, idChunk)+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			read[id] = name
		}
		return rows.Err()
	})
	if err != nil {
		return nil, db.wrap("list user names", err)
	}
	for id, name := range read {
		out[id] = name
	}
	if db.cached() {
		db.cfg.putNames(gen, read)
	}
	return out, nil
}

// caseSidesSQL asks in one statement which side records a case has.
const caseSidesSQL = `SELECT
	CASE WHEN EXISTS (SELECT 1 FROM consents WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM case_mediators WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM agreements WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM case_archives WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM mediation_sessions WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM consultations WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM proposals WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM commendations WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM meeting_items WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM agreement_signatures WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM judicial_applications WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM smart_sync WHERE case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM duplicate_flags WHERE case_id = $1)
		OR EXISTS (SELECT 1 FROM duplicate_flags WHERE other_id = $1) THEN 1 ELSE 0 END`

func (db *DB) CaseSides(ctx context.Context, caseID int64) (store.CaseSides, error) {
	var v [13]int64
	err := db.readGeneric().QueryRowContext(ctx, caseSidesSQL, caseID).Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
		&v[11], &v[12])
	s := store.CaseSides{Consents: v[0] != 0, Mediators: v[1] != 0, Agreement: v[2] != 0, Archive: v[3] != 0, Sessions: v[4] != 0,
		Consultations: v[5] != 0, Proposals: v[6] != 0, Commendations: v[7] != 0, MeetingItems: v[8] != 0, Signatures: v[9] != 0, Judicial: v[10] != 0,
		SmartSync: v[11] != 0, Duplicates: v[12] != 0}
	return s, db.wrap("probe case side records", err)
}

// fewIDs is the inside of an IN (…) for ids: for up to idChunk ids, bound
// placeholders padded to one shape (a case page's one-id reads would
// otherwise be a new statement text per case, filling SQLite's prepared
// read cache with statements used once and parsed on every page); for
// more, the ids written out as before (batch reads, beyond bind limits).
func fewIDs(ids []int64) (string, []any) {
	if len(ids) == 0 || len(ids) > idChunk {
		return idList(ids), nil
	}
	args := make([]any, idChunk)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return inList(1, idChunk), args
}
