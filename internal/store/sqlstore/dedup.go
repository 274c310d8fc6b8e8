package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) ListDedupCandidates(ctx context.Context, q store.DedupQuery) ([]store.DedupCandidate, error) {
	where := []string{"c.committee_id = $1", "c.received_at >= $2", "c.received_at < $3"}
	args := []any{q.CommitteeID, q.Since.UTC(), q.Until.UTC()}
	var phones []string
	if q.PhoneHash != "" {
		phones = append(phones, q.PhoneHash)
	}
	phones = append(phones, q.PhoneHashes...)
	if len(phones) > 0 {
		var ph []string
		for _, h := range phones {
			args = append(args, h)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "p.phone_hash IN ("+strings.Join(ph, ", ")+")")
	}
	if q.OpenOnly {
		// The open statuses listed (not the closed ones excluded), so that a
		// read without phones can walk (status, received_at) for each.
		var open []string
		for _, st := range domain.Statuses {
			if st.Open() {
				args = append(args, string(st))
				open = append(open, fmt.Sprintf("$%d", len(args)))
			}
		}
		where = append(where, "c.merged_into IS NULL", "c.group_id IS NULL", "c.status IN ("+strings.Join(open, ", ")+")")
	}
	if len(phones) == 0 {
		// A committee's complaints of a window (surges, 集中投诉): read by
		// the time received (and status), not by the committee's index of
		// case numbers, which holds every case it ever numbered
		// (TestSurgeCandidatesReadByTime). "+" keeps both planners off it.
		where[0] = "+c.committee_id = $1"
	}
	from := `cases c JOIN parties p ON p.case_id = c.id AND p.kind = 'consumer'`
	if len(phones) > 0 {
		// Complainants' complaints: from their parties by the phone index.
		// SQLite's planner, given a list of phones, would rather scan the
		// committee's cases in the window (all of them, for an import);
		// CROSS JOIN keeps parties outside (PostgreSQL plans it as any join).
		from = `parties p CROSS JOIN cases c`
		where = append(where, "p.case_id = c.id", "p.kind = 'consumer'")
		if db.d.Name == "postgres" {
			// PostgreSQL's generic plan for the prepared statement (pgx
			// prepares it; after five runs the plan is reused) guesses the
			// window small and hashes every case in it: 300 ms at 90,000
			// cases, per import slice. The lateral subquery behind OFFSET 0
			// cannot be flattened: each party fetches its case by id.
			from = `parties p CROSS JOIN LATERAL (SELECT * FROM cases c0 WHERE c0.id = p.case_id OFFSET 0) c`
			where = slices.DeleteFunc(where, func(w string) bool { return w == "p.case_id = c.id" })
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = store.DedupLimit
	}
	args = append(args, limit)
	// Newest first under the cap, answered oldest first as detection reads.
	rows, err := db.read().QueryContext(ctx, `SELECT c.id, c.number, p.phone_hash, COALESCE(c.merchant_id, 0), c.merchant_name,
		COALESCE(m.credit_code, ''), c.description || ' ' || c.claim, c.received_at, COALESCE(c.group_id, 0)
		FROM `+from+`
		LEFT JOIN merchants m ON m.id = c.merchant_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.received_at DESC, c.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, db.wrap("list dedup candidates", err)
	}
	defer rows.Close()
	var out []store.DedupCandidate
	for rows.Next() {
		var d store.DedupCandidate
		if err := rows.Scan(&d.CaseID, &d.Number, &d.PhoneHash, &d.MerchantID, &d.MerchantName, &d.CreditCode, &d.Text,
			&d.ReceivedAt, &d.GroupID); err != nil {
			return nil, db.wrap("scan dedup candidate", err)
		}
		d.ReceivedAt = d.ReceivedAt.UTC()
		out = append(out, d)
	}
	slices.Reverse(out)
	return out, db.wrap("list dedup candidates", rows.Err())
}

func (db *DB) AddDuplicateFlags(ctx context.Context, flags []store.DuplicateFlag) error {
	if len(flags) == 0 {
		return nil
	}
	return db.tx(ctx, "add duplicate flags", func(tx *wtx) error {
		now := time.Now().UTC()
		for _, f := range flags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO duplicate_flags (case_id, other_id, score, reasons, status, created_at)
				VALUES ($1, $2, $3, $4, 'open', $5) ON CONFLICT (case_id, other_id) DO NOTHING`,
				f.CaseID, f.OtherID, f.Score, f.Reasons, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) ListDuplicateFlags(ctx context.Context, caseID int64) ([]store.DuplicateFlag, error) {
	rows, err := db.readGeneric().QueryContext(ctx, `SELECT id, case_id, other_id, score, reasons, status, COALESCE(decided_by, 0),
		decided_at, created_at FROM duplicate_flags WHERE case_id = $1 OR other_id = $1 ORDER BY score DESC, id`, caseID)
	if err != nil {
		return nil, db.wrap("list duplicate flags", err)
	}
	defer rows.Close()
	var out []store.DuplicateFlag
	for rows.Next() {
		var f store.DuplicateFlag
		var dec sql.NullTime
		if err := rows.Scan(&f.ID, &f.CaseID, &f.OtherID, &f.Score, &f.Reasons, &f.Status, &f.DecidedBy, &dec, &f.Created); err != nil {
			return nil, db.wrap("scan duplicate flag", err)
		}
		f.DecidedAt, f.Created = timePtr(dec), f.Created.UTC()
		out = append(out, f)
	}
	return out, db.wrap("list duplicate flags", rows.Err())
}

func (db *DB) ResolveDuplicateFlag(ctx context.Context, id int64, status string, by int64, at time.Time) error {
	res, err := db.writeOn("duplicate", id).ExecContext(ctx, `UPDATE duplicate_flags SET status = $1, decided_by = $2, decided_at = $3
		WHERE id = $4 AND status = 'open'`, status, nullInt(by), at.UTC(), id)
	return db.wrap("resolve duplicate flag", mustAffect(res, err))
}

func (db *DB) MergeCase(ctx context.Context, fromID, fromVersion, intoID int64, fromChange store.CaseChange, fromEvent, intoEvent store.Event) error {
	return db.tx(ctx, "merge case", func(tx *wtx) error {
		var intoVersion int64
		if err := tx.QueryRowContext(ctx, `SELECT version FROM cases WHERE id = $1`, intoID).Scan(&intoVersion); err != nil {
			return err
		}
		fromChange.MergedInto = &intoID
		if err := applyChange(ctx, tx, fromID, fromVersion, fromChange, &fromEvent); err != nil {
			return err
		}
		if err := applyChange(ctx, tx, intoID, intoVersion, store.CaseChange{}, &intoEvent); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE duplicate_flags SET status = 'merged', decided_by = $1, decided_at = $2
			WHERE status = 'open' AND ((case_id = $3 AND other_id = $4) OR (case_id = $4 AND other_id = $3))`,
			nullInt(fromEvent.ActorID), time.Now().UTC(), fromID, intoID)
		return err
	})
}

func (db *DB) CreateGroup(ctx context.Context, g *store.Group, caseIDs []int64) error {
	return db.tx(ctx, "create group", func(tx *wtx) error {
		// Formed now, unless the caller says when (an import of old groups, a test's clock).
		if g.Created.IsZero() {
			g.Created = time.Now()
		}
		g.Created = g.Created.UTC()
		if g.Status == "" {
			g.Status = "active"
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO case_groups (committee_id, merchant_id, merchant_name, title, facts, reason,
			status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			g.CommitteeID, nullInt(g.MerchantID), g.MerchantName, g.Title, g.Facts, g.Reason, g.Status, nullInt(g.CreatedBy), g.Created).Scan(&g.ID); err != nil {
			return err
		}
		tx.about("group", g.ID)
		for _, id := range caseIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_group_members (group_id, case_id) VALUES ($1, $2)`, g.ID, id); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE cases SET group_id = $1 WHERE id = $2 AND committee_id = $3 AND group_id IS NULL`, g.ID, id, g.CommitteeID)
			if err := mustAffect(res, err); err != nil {
				return fmt.Errorf("case %d: %w", id, store.ErrConflict)
			}
		}
		return nil
	})
}

const groupCols = `id, committee_id, COALESCE(merchant_id, 0), merchant_name, title, facts, reason, status, COALESCE(created_by, 0), created_at,
	session_at, session_place`

func scanGroup(row interface{ Scan(...any) error }) (store.Group, error) {
	var g store.Group
	var sess sql.NullTime
	err := row.Scan(&g.ID, &g.CommitteeID, &g.MerchantID, &g.MerchantName, &g.Title, &g.Facts, &g.Reason, &g.Status, &g.CreatedBy, &g.Created,
		&sess, &g.SessionPlace)
	g.Created, g.SessionAt = g.Created.UTC(), timePtr(sess)
	return g, err
}

func (db *DB) GetGroup(ctx context.Context, id int64) (store.Group, error) {
	g, err := scanGroup(db.read().QueryRowContext(ctx, `SELECT `+groupCols+` FROM case_groups WHERE id = $1`, id))
	if err != nil {
		return g, db.wrap("get group", err)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT c.id, COALESCE(c.room_id, 0), c.number, c.consumer_name, c.status, c.claim_fen, gm.representative,
		gm.outcome, gm.outcome_note, gm.outcome_fen
		FROM case_group_members gm JOIN cases c ON c.id = gm.case_id WHERE gm.group_id = $1 ORDER BY c.received_at, c.id`, id)
	if err != nil {
		return g, db.wrap("get group members", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m store.GroupMember
		var st string
		if err := rows.Scan(&m.CaseID, &m.RoomID, &m.Number, &m.ConsumerName, &st, &m.ClaimFen, &m.Representative, &m.Outcome, &m.OutcomeNote, &m.OutcomeFen); err != nil {
			return g, db.wrap("scan group member", err)
		}
		m.Status = domain.Status(st)
		g.Members = append(g.Members, m)
	}
	return g, db.wrap("get group members", rows.Err())
}

// listGroupsWhere reads the groups (case_groups, named g) that match where.
func (db *DB) listGroupsWhere(ctx context.Context, what, where string, args ...any) ([]store.Group, error) {
	return db.listGroupsFrom(ctx, what, `case_groups g WHERE `+where, args...)
}

// listGroupsFrom reads groups from FROM items that name case_groups g.
func (db *DB) listGroupsFrom(ctx context.Context, what, from string, args ...any) ([]store.Group, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+groupCols+` FROM `+from, args...)
	if err != nil {
		return nil, db.wrap(what, err)
	}
	defer rows.Close()
	var out []store.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, db.wrap("scan group", err)
		}
		out = append(out, g)
	}
	return out, db.wrap(what, rows.Err())
}

// closedCaseStatuses are the statuses of cases no longer worked
// (domain.Status.Open is false), as migration 72's partial index of the
// open cases of groups lists them: a query repeats them for the index to
// serve it.
const closedCaseStatuses = `('rejected', 'terminated', 'withdrawn', 'archived', 'followed_up')`

func (db *DB) ListGroups(ctx context.Context, q store.GroupQuery) (store.Page[store.Group], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.Group]{}, fmt.Errorf("list groups: %w", err)
	}
	// Newest formed first, by index (committee_id, created_at, id); one row
	// past the page tells whether another follows. The open groups are read
	// by their ids instead: "+committee_id" keeps both planners off that
	// index, which they would walk through every group the committee ever
	// formed to keep the order (TestOpenGroupsReadThroughTheirOpenCases).
	where, args := "committee_id = $1", []any{q.CommitteeID}
	if q.OpenOnly {
		where = "+committee_id = $1"
	}
	if q.After != nil {
		where += " AND created_at <= $2 AND (created_at < $2 OR id < $3)"
		args = append(args, q.After.At.UTC(), q.After.ID)
	}
	order := " ORDER BY created_at DESC, id DESC LIMIT " + strconv.Itoa(q.Limit+1)
	var gs []store.Group
	if !q.OpenOnly {
		var err error
		if gs, err = db.listGroupsWhere(ctx, "list groups", where+order, args...); err != nil {
			return store.Page[store.Group]{}, err
		}
	} else {
		// Two reads, in this order: the groups of the open cases (migration
		// 72's partial index holds only those cases), then the committee's
		// among them. As one statement, both planners walked the groups
		// newest first in search of open ones once statistics were
		// gathered: a read that grows with every group ever formed
		// (BenchmarkDeskGroups).
		rows, err := db.read().QueryContext(ctx, `SELECT DISTINCT group_id FROM cases WHERE group_id IS NOT NULL AND status NOT IN `+closedCaseStatuses)
		if err != nil {
			return store.Page[store.Group]{}, db.wrap("list open groups", err)
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return store.Page[store.Group]{}, db.wrap("list open groups", err)
		}
		for len(ids) > 0 { // in slices, within every engine's count of parameters
			n := min(len(ids), 1000)
			sliceArgs := slices.Clone(args)
			for _, id := range ids[:n] {
				sliceArgs = append(sliceArgs, id)
			}
			some, err := db.listGroupsWhere(ctx, "list open groups", where+` AND id IN (`+inList(len(args)+1, n)+`)`+order, sliceArgs...)
			if err != nil {
				return store.Page[store.Group]{}, err
			}
			gs, ids = append(gs, some...), ids[n:]
		}
		slices.SortFunc(gs, func(a, b store.Group) int {
			return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID))
		})
	}
	return store.PageOf(gs, q.Limit, func(g store.Group) store.ListCursor { return store.ListCursor{At: g.Created, ID: g.ID} }), nil
}

func (db *DB) ListGroupsFormed(ctx context.Context, committeeID int64, from, to time.Time) ([]store.Group, error) {
	return db.listGroupsWhere(ctx, "list groups formed", `committee_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id`,
		committeeID, from.UTC(), to.UTC())
}

func (db *DB) SetGroupRepresentatives(ctx context.Context, groupID int64, caseIDs []int64) error {
	if len(caseIDs) > 2 {
		return fmt.Errorf("set representatives: at most two: %w", store.ErrConflict)
	}
	return db.tx(ctx, "set group representatives", func(tx *wtx) error {
		tx.about("group", groupID)
		if _, err := tx.ExecContext(ctx, `UPDATE case_group_members SET representative = $1 WHERE group_id = $2`, false, groupID); err != nil {
			return err
		}
		for _, id := range caseIDs {
			res, err := tx.ExecContext(ctx, `UPDATE case_group_members SET representative = $1 WHERE group_id = $2 AND case_id = $3`, true, groupID, id)
			if err := mustAffect(res, err); err != nil {
				return fmt.Errorf("case %d is not a member: %w", id, err)
			}
		}
		return nil
	})
}

func (db *DB) ScheduleGroupSession(ctx context.Context, groupID int64, at time.Time, place string) error {
	res, err := db.writeOn("group", groupID).ExecContext(ctx, `UPDATE case_groups SET session_at = $1, session_place = $2 WHERE id = $3`, at.UTC(), place, groupID)
	return db.wrap("schedule group session", mustAffect(res, err))
}

func (db *DB) SetGroupOutcome(ctx context.Context, groupID, caseID int64, outcome, note string, fen int64) error {
	res, err := db.writeOn("group", groupID).ExecContext(ctx, `UPDATE case_group_members SET outcome = $1, outcome_note = $2, outcome_fen = $3
		WHERE group_id = $4 AND case_id = $5`, outcome, note, fen, groupID, caseID)
	return db.wrap("set group outcome", mustAffect(res, err))
}
