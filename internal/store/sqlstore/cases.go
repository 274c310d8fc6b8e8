package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

const caseCols = `c.id, c.number, c.year, c.seq, c.committee_id, COALESCE(c.room_id, 0), c.org_path,
	COALESCE(c.diverted_by_org_id, 0), c.diverted_by_path, c.status, c.prev_status, c.channel, c.category,
	c.description, c.claim, c.claim_fen, c.received_at, c.accepted_at, c.decided_at, c.closed_at, c.reason_code,
	COALESCE(c.policy_id, 0), COALESCE(c.merchant_id, 0), c.merchant_name, c.consumer_name,
	COALESCE(c.external_id, ''), COALESCE(c.court_number, ''), COALESCE(c.platform_id, ''),
	COALESCE(c.route_rule_id, 0), c.route_kind, c.route_reason, COALESCE(c.merged_into, 0), COALESCE(c.group_id, 0), COALESCE(c.presiding_id, 0),
	COALESCE(c.created_by, 0), c.version, c.created_at, c.updated_at`

// briefCols are the columns of a brief row (store.Case.Brief): a list
// reads 21 columns instead of 38, which is a third less CPU for a page of
// 50 on SQLite (docs/performance.md, "brief rows").
const briefCols = `c.id, c.number, c.committee_id, COALESCE(c.room_id, 0), c.status, c.channel, c.category,
	c.description, c.claim, c.claim_fen, c.received_at, c.accepted_at, c.decided_at, c.reason_code,
	COALESCE(c.policy_id, 0), c.merchant_name, c.consumer_name, COALESCE(c.external_id, ''),
	COALESCE(c.court_number, ''), COALESCE(c.presiding_id, 0), c.version`

// caseColumns is caseCols as this engine's driver reads it fastest
// (timecol.go).
func (db *DB) caseColumns() string {
	if db.d.Name == "sqlite" {
		return sqliteCaseCols
	}
	return caseCols
}

// rowColumns is what a list selects and how it reads a row: the whole
// case, or its brief row.
func (db *DB) rowColumns(brief bool) (string, func(interface{ Scan(...any) error }) (store.Case, error)) {
	if !brief {
		return db.caseColumns(), scanCase
	}
	if db.d.Name == "sqlite" {
		return sqliteBriefCols, scanBrief
	}
	return briefCols, scanBrief
}

// scanBrief reads a row of briefCols.
func scanBrief(row interface{ Scan(...any) error }) (store.Case, error) {
	var c store.Case
	var status, channel string
	var acc, dec sql.NullTime
	err := row.Scan(&c.ID, &c.Number, &c.CommitteeID, &c.RoomID, &status, &channel, &c.Category,
		&c.Description, &c.Claim, &c.ClaimFen, timeCol{t: &c.ReceivedAt}, timeCol{&acc.Time, &acc.Valid}, timeCol{&dec.Time, &dec.Valid},
		&c.ReasonCode, &c.PolicyID, &c.MerchantName, &c.ConsumerName, &c.ExternalID, &c.CourtNumber, &c.PresidingID, &c.Version)
	c.Status, c.Channel = domain.Status(status), domain.Channel(channel)
	c.AcceptedAt, c.DecidedAt = timePtr(acc), timePtr(dec)
	c.ReceivedAt = c.ReceivedAt.UTC()
	return c, err
}

// scanCase reads a row of caseColumns.
func scanCase(row interface{ Scan(...any) error }) (store.Case, error) {
	var c store.Case
	var status, prev, channel string
	var acc, dec, closed sql.NullTime
	err := row.Scan(&c.ID, &c.Number, &c.Year, &c.Seq, &c.CommitteeID, &c.RoomID, &c.OrgPath,
		&c.DivertedByOrgID, &c.DivertedByPath, &status, &prev, &channel, &c.Category,
		&c.Description, &c.Claim, &c.ClaimFen, timeCol{t: &c.ReceivedAt}, timeCol{&acc.Time, &acc.Valid}, timeCol{&dec.Time, &dec.Valid},
		timeCol{&closed.Time, &closed.Valid}, &c.ReasonCode,
		&c.PolicyID, &c.MerchantID, &c.MerchantName, &c.ConsumerName,
		&c.ExternalID, &c.CourtNumber, &c.PlatformID, &c.RouteRuleID, &c.RouteKind, &c.RouteReason, &c.MergedInto, &c.GroupID, &c.PresidingID,
		&c.CreatedBy, &c.Version, timeCol{t: &c.Created}, timeCol{t: &c.Updated})
	c.Status, c.PrevStatus, c.Channel = domain.Status(status), domain.Status(prev), domain.Channel(channel)
	c.AcceptedAt, c.DecidedAt, c.ClosedAt = timePtr(acc), timePtr(dec), timePtr(closed)
	c.ReceivedAt, c.Created, c.Updated = c.ReceivedAt.UTC(), c.Created.UTC(), c.Updated.UTC()
	return c, err
}

func (db *DB) caseIDByKey(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, client, key string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM cases WHERE client_id = $1 AND idempotency_key = $2`, client, key).Scan(&id)
	return id, err
}

func (db *DB) CreateCase(ctx context.Context, nc *store.NewCase) (store.Case, bool, error) {
	keyed := nc.ClientID != "" && nc.IdempotencyKey != ""
	if keyed {
		// A retried request returns what the first one created.
		if id, err := db.caseIDByKey(ctx, db.primary(), nc.ClientID, nc.IdempotencyKey); err == nil {
			c, err := db.GetCase(ctx, id)
			return c, false, err
		} else if err != sql.ErrNoRows {
			return store.Case{}, false, db.wrap("create case: idempotency lookup", err)
		}
	}
	var id int64
	err := db.tx(ctx, "create case", func(tx *wtx) error {
		var err error
		id, err = insertCase(ctx, tx, nc, map[int64]string{})
		tx.about("case", id)
		return err
	})
	if err != nil && keyed && errors.Is(err, store.ErrConflict) {
		// Lost a race with the same key: answer with the winner's case.
		if id, kerr := db.caseIDByKey(ctx, db.primary(), nc.ClientID, nc.IdempotencyKey); kerr == nil {
			c, gerr := db.GetCase(ctx, id)
			return c, false, gerr
		}
	}
	if err != nil {
		return store.Case{}, false, err
	}
	c, err := db.GetCase(ctx, id)
	return c, true, err
}

// insertCase writes a new case, its parties and its first event; paths caches
// org unit paths across a batch.
func insertCase(ctx context.Context, tx *wtx, nc *store.NewCase, paths map[int64]string) (int64, error) {
	path := func(id int64) (string, error) {
		if p, ok := paths[id]; ok {
			return p, nil
		}
		var p string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, id).Scan(&p); err != nil {
			return "", fmt.Errorf("org unit %d: %w", id, err)
		}
		paths[id] = p
		return p, nil
	}
	if nc.Merchant != nil {
		if err := upsertMerchant(ctx, tx, nc.Merchant); err != nil {
			return 0, fmt.Errorf("merchant: %w", err)
		}
		nc.MerchantID = nc.Merchant.ID
		for i := range nc.Parties {
			if nc.Parties[i].Kind == "merchant" && nc.Parties[i].MerchantID == 0 {
				nc.Parties[i].MerchantID = nc.Merchant.ID
			}
		}
	}
	var id int64
	now := time.Now().UTC()
	recv := nc.ReceivedAt.UTC()
	year := nc.ReceivedAt.In(shanghai).Year()
	var seq int64
	// The counter row is locked until commit, so numbers are gap-free:
	// a rolled-back case rolls its number back too.
	if err := tx.QueryRowContext(ctx, `INSERT INTO case_counters (committee_id, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (committee_id, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
		nc.CommitteeID, year).Scan(&seq); err != nil {
		return 0, fmt.Errorf("allocate number: %w", err)
	}
	orgID := nc.CommitteeID
	if nc.RoomID != 0 {
		orgID = nc.RoomID
	}
	orgPath, err := path(orgID)
	if err != nil {
		return 0, err
	}
	var divPath string
	if nc.DivertedByOrgID != 0 {
		if divPath, err = path(nc.DivertedByOrgID); err != nil {
			return 0, err
		}
	}
	var consumer, merchant string
	for _, p := range nc.Parties {
		if p.Kind == "consumer" && consumer == "" {
			consumer = p.Name
		}
		if p.Kind == "merchant" && merchant == "" {
			merchant = p.Name
		}
	}
	number := domain.CaseNumber(year, nc.CommitteeAbbr, seq)
	err = tx.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, room_id, org_path,
		diverted_by_org_id, diverted_by_path, status, channel, category, description, claim, claim_fen,
		received_at, merchant_id, merchant_name, consumer_name, external_id, court_number, platform_id,
		created_by, client_id, idempotency_key, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $23, $24, 1, $25, $25) RETURNING id`,
		number, year, seq, nc.CommitteeID, nullInt(nc.RoomID), orgPath, nullInt(nc.DivertedByOrgID), divPath,
		string(domain.StatusReceived), string(nc.Channel), nc.Category, nc.Description, nc.Claim, nc.ClaimFen,
		recv, nullInt(nc.MerchantID), merchant, consumer, nullStr(nc.ExternalID), nullStr(nc.CourtNumber),
		nullStr(nc.PlatformID), nullInt(nc.CreatedBy), nullStr(nc.ClientID), nullStr(nc.IdempotencyKey), now).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := writeGrams(ctx, tx, []newGrams{{id, [5]string{number, consumer, merchant, nc.Description, nc.ExternalID}}}); err != nil {
		return 0, err
	}
	if err := insertParties(ctx, tx, id, nc.Parties); err != nil {
		return 0, err
	}
	ev := nc.Event
	if ev.Type == "" {
		ev.Type = "received"
	}
	ev.CaseID, ev.Seq, ev.ToStatus = id, 1, domain.StatusReceived
	return id, insertEvent(ctx, tx, &ev)
}

// insertParties writes a new case's parties in one statement (ids ascend
// in their order, as one INSERT each would give them); the statement text
// depends only on how many there are, so it stays prepared.
func insertParties(ctx context.Context, tx *wtx, caseID int64, ps []store.Party) error {
	if len(ps) == 0 {
		return nil
	}
	const cols = 12
	var b strings.Builder
	b.WriteString(`INSERT INTO parties (case_id, kind, name, phone_sealed, phone_hash,
			phone_mask, id_sealed, id_hash, id_mask, merchant_id, credit_code, address) VALUES `)
	args := make([]any, 0, len(ps)*cols)
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		placeholders(&b, cols, len(args), false)
		args = append(args, caseID, p.Kind, p.Name, p.PhoneSealed, p.PhoneHash, p.PhoneMask, p.IDSealed, p.IDHash, p.IDMask,
			nullInt(p.MerchantID), p.CreditCode, p.Address)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert party: %w", err)
	}
	return nil
}

func insertEvent(ctx context.Context, tx *wtx, ev *store.Event) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	ev.At = ev.At.UTC()
	if ev.Data == "" {
		ev.Data = "{}"
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO case_events (case_id, seq, type, from_status, to_status, actor_id,
		actor_name, at, reason_code, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		ev.CaseID, ev.Seq, ev.Type, string(ev.FromStatus), string(ev.ToStatus), nullInt(ev.ActorID), ev.ActorName,
		ev.At, ev.ReasonCode, ev.Note, ev.Data).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("append event: %w", err)
	}
	if err := tx.db.hooks.run(ctx, tx.Tx, []store.Event{*ev}); err != nil {
		return err
	}
	return markDirty(ctx, tx, ev.CaseID)
}

func (db *DB) GetCase(ctx context.Context, id int64) (store.Case, error) {
	c, err := scanCase(db.readGeneric().QueryRowContext(ctx, `SELECT `+db.caseColumns()+` FROM cases c WHERE c.id = $1`, id))
	if err != nil {
		return c, db.wrap("get case", err)
	}
	rows, err := db.readGeneric().QueryContext(ctx, `SELECT id, case_id, kind, name, phone_sealed, phone_hash, phone_mask,
		id_sealed, id_hash, id_mask, COALESCE(merchant_id, 0), credit_code, address FROM parties WHERE case_id = $1 ORDER BY id`, id)
	if err != nil {
		return c, db.wrap("get case parties", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p store.Party
		if err := rows.Scan(&p.ID, &p.CaseID, &p.Kind, &p.Name, &p.PhoneSealed, &p.PhoneHash, &p.PhoneMask,
			&p.IDSealed, &p.IDHash, &p.IDMask, &p.MerchantID, &p.CreditCode, &p.Address); err != nil {
			return c, db.wrap("scan party", err)
		}
		c.Parties = append(c.Parties, p)
	}
	return c, db.wrap("get case parties", rows.Err())
}

func (db *DB) GetCaseByExternalID(ctx context.Context, externalID string) (store.Case, error) {
	var id int64
	if err := db.read().QueryRowContext(ctx, `SELECT id FROM cases WHERE external_id = $1`, externalID).Scan(&id); err != nil {
		return store.Case{}, db.wrap("get case by external id", err)
	}
	return db.GetCase(ctx, id)
}

func (db *DB) GetCaseByCourtNumber(ctx context.Context, courtNumber string) (store.Case, error) {
	var id int64
	if err := db.read().QueryRowContext(ctx, `SELECT id FROM cases WHERE court_number = $1`, courtNumber).Scan(&id); err != nil {
		return store.Case{}, db.wrap("get case by court number", err)
	}
	return db.GetCase(ctx, id)
}

// prefixRange turns a path prefix "/1/2/" into the half-open range ["/1/2/", "/1/20")
// so that both engines can use a plain b-tree index ('0' follows '/').
func prefixRange(p string) (lo, hi string) {
	return p, strings.TrimSuffix(p, "/") + "0"
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// listCasesScan is the list as one filtered statement: sweeps (ByID) page
// by id; see caselist.go for the lists people open.
func (db *DB) listCasesScan(ctx context.Context, q store.CaseQuery) (store.CasePage, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !q.Scope.All {
		if len(q.Scope.Prefixes) == 0 {
			return store.CasePage{}, nil
		}
		var ors []string
		for _, p := range q.Scope.Prefixes {
			lo, hi := prefixRange(p)
			l, h := arg(lo), arg(hi)
			ors = append(ors, fmt.Sprintf("(c.org_path >= %s AND c.org_path < %s)", l, h),
				fmt.Sprintf("(c.diverted_by_path >= %s AND c.diverted_by_path < %s)", l, h))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if len(q.Statuses) > 0 {
		var ph []string
		for _, s := range q.Statuses {
			ph = append(ph, arg(string(s)))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ", ")+")")
	}
	if q.RoomID != 0 {
		where = append(where, "c.room_id = "+arg(q.RoomID))
	}
	if q.Presiding != 0 {
		where = append(where, "c.presiding_id = "+arg(q.Presiding))
	}
	if q.Unassigned {
		where = append(where, "c.presiding_id IS NULL")
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		p := arg("%" + likeEscape(t) + "%")
		where = append(where, fmt.Sprintf(`(c.number LIKE %[1]s ESCAPE '\' OR c.consumer_name LIKE %[1]s ESCAPE '\'
			OR c.merchant_name LIKE %[1]s ESCAPE '\' OR c.description LIKE %[1]s ESCAPE '\' OR c.external_id LIKE %[1]s ESCAPE '\')`, p))
	}
	if q.From != nil {
		where = append(where, "c.received_at >= "+arg(q.From.UTC()))
	}
	if q.To != nil {
		where = append(where, "c.received_at < "+arg(q.To.UTC()))
	}
	if q.ByID {
		where = append(where, "c.id > "+arg(q.AfterID))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var page store.CasePage
	if !q.ByID {
		if err := db.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c`+cond, args...).Scan(&page.Total); err != nil {
			return page, db.wrap("count cases", err)
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	lim, off := arg(limit), arg(max(q.Offset, 0))
	order := ` ORDER BY c.received_at DESC, c.id DESC`
	switch {
	case q.ByID:
		order = ` ORDER BY c.id`
	case q.OldestFirst:
		order = ` ORDER BY c.received_at, c.id`
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+db.caseColumns()+` FROM cases c`+cond+order+` LIMIT `+lim+` OFFSET `+off, args...)
	if err != nil {
		return page, db.wrap("list cases", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return page, db.wrap("scan case", err)
		}
		page.Cases = append(page.Cases, c)
	}
	return page, db.wrap("list cases", rows.Err())
}

func (db *DB) ApplyEvent(ctx context.Context, caseID, expectVersion int64, ch store.CaseChange, ev store.Event) (store.Case, error) {
	err := db.tx(ctx, "apply case event", func(tx *wtx) error {
		return applyChange(ctx, tx, caseID, expectVersion, ch, &ev)
	})
	if err != nil {
		return store.Case{}, err
	}
	return db.GetCase(ctx, caseID)
}

func (db *DB) AddNote(ctx context.Context, caseID int64, ev store.Event) error {
	return db.tx(ctx, "add case note", func(tx *wtx) error {
		tx.about("case", caseID)
		// Touching the row takes its lock on PostgreSQL, so event numbers are
		// handed out one at a time; the version stays as it is.
		var status string
		if err := tx.QueryRowContext(ctx, `UPDATE cases SET updated_at = updated_at WHERE id = $1 RETURNING status`, caseID).Scan(&status); err != nil {
			return err
		}
		ev.CaseID, ev.FromStatus, ev.ToStatus = caseID, domain.Status(status), domain.Status(status)
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1`, caseID).Scan(&ev.Seq); err != nil {
			return err
		}
		return insertEvent(ctx, tx, &ev)
	})
}

// applyChange updates the case row if it is still at expectVersion and appends ev.
// appendEvent adds an event that changes nothing on the case, at the
// case's version as this transaction reads it. On PostgreSQL a concurrent
// write to the case between the read and the guarded update gives ErrStale
// and rolls the whole transaction back; callers may simply try again.
func appendEvent(ctx context.Context, tx *wtx, caseID int64, ev *store.Event) error {
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM cases WHERE id = $1`, caseID).Scan(&version); err != nil {
		return err
	}
	return applyChange(ctx, tx, caseID, version, store.CaseChange{}, ev)
}

func applyChange(ctx context.Context, tx *wtx, caseID, expectVersion int64, ch store.CaseChange, ev *store.Event) error {
	tx.about("case", caseID)
	var status string
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT status, version FROM cases WHERE id = $1`, caseID).Scan(&status, &version); err != nil {
		return err
	}
	if version != expectVersion {
		return store.ErrStale
	}
	var sets []string
	var args []any
	changeSets(ch, func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	})
	set := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if ch.RoomID != nil {
		path, err := casePath(ctx, tx, caseID, *ch.RoomID)
		if err != nil {
			return err
		}
		set("org_path", path)
	}
	if ch.Facts != nil {
		c := ch.Facts.Consumer
		if _, err := tx.ExecContext(ctx, `UPDATE parties SET name = $1, phone_sealed = $2, phone_hash = $3, phone_mask = $4,
			id_sealed = $5, id_hash = $6, id_mask = $7 WHERE case_id = $8 AND kind = 'consumer'`,
			c.Name, c.PhoneSealed, c.PhoneHash, c.PhoneMask, c.IDSealed, c.IDHash, c.IDMask, caseID); err != nil {
			return fmt.Errorf("update consumer: %w", err)
		}
	}
	set("updated_at", time.Now().UTC())
	args = append(args, caseID, expectVersion)
	res, err := tx.ExecContext(ctx, `UPDATE cases SET `+strings.Join(sets, ", ")+`, version = version + 1
		WHERE id = $`+fmt.Sprint(len(args)-1)+` AND version = $`+fmt.Sprint(len(args)), args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrStale
	}
	ev.CaseID, ev.FromStatus = caseID, domain.Status(status)
	if ev.ToStatus == "" {
		ev.ToStatus = ch.Status
	}
	if ev.ToStatus == "" { // an event that changes no status (re-route, updated facts)
		ev.ToStatus = ev.FromStatus
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1`, caseID).Scan(&ev.Seq); err != nil {
		return err
	}
	return insertEvent(ctx, tx, ev)
}

// casePath is the org path of a case placed in room (or back in its committee's queue when 0).
func casePath(ctx context.Context, tx *wtx, caseID, room int64) (string, error) {
	var path string
	var err error
	if room != 0 {
		err = tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, room).Scan(&path)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT o.path FROM org_units o JOIN cases c ON c.committee_id = o.id WHERE c.id = $1`, caseID).Scan(&path)
	}
	if err != nil {
		return "", fmt.Errorf("org path for room %d: %w", room, err)
	}
	return path, nil
}

// changeSets calls set for every column the change touches.
func changeSets(ch store.CaseChange, set func(col string, v any)) {
	if ch.Status != "" {
		set("status", string(ch.Status))
	}
	if ch.PrevStatus != nil {
		set("prev_status", string(*ch.PrevStatus))
	}
	if ch.AcceptedAt != nil {
		set("accepted_at", ch.AcceptedAt.UTC())
	}
	if ch.DecidedAt != nil {
		set("decided_at", ch.DecidedAt.UTC())
	}
	if ch.ClosedAt != nil {
		set("closed_at", ch.ClosedAt.UTC())
	}
	if ch.ReasonCode != nil {
		set("reason_code", *ch.ReasonCode)
	}
	if ch.PolicyID != nil {
		set("policy_id", nullInt(*ch.PolicyID))
	}
	if ch.RoomID != nil {
		set("room_id", nullInt(*ch.RoomID))
	}
	if ch.Route != nil {
		set("route_rule_id", nullInt(ch.Route.RuleID))
		set("route_kind", ch.Route.Kind)
		set("route_reason", ch.Route.Reason)
	}
	if ch.MergedInto != nil {
		set("merged_into", nullInt(*ch.MergedInto))
	}
	if ch.Facts != nil {
		set("category", ch.Facts.Category)
		set("description", ch.Facts.Description)
		set("claim", ch.Facts.Claim)
		set("claim_fen", ch.Facts.ClaimFen)
		set("consumer_name", ch.Facts.Consumer.Name)
	}
}

// merge applies b over a: what b sets wins.
func merge(a, b store.CaseChange) store.CaseChange {
	if b.Status != "" {
		a.Status = b.Status
	}
	for _, f := range []struct{ dst, src **time.Time }{{&a.AcceptedAt, &b.AcceptedAt}, {&a.DecidedAt, &b.DecidedAt}, {&a.ClosedAt, &b.ClosedAt}} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	if b.PrevStatus != nil {
		a.PrevStatus = b.PrevStatus
	}
	if b.ReasonCode != nil {
		a.ReasonCode = b.ReasonCode
	}
	if b.PolicyID != nil {
		a.PolicyID = b.PolicyID
	}
	if b.RoomID != nil {
		a.RoomID = b.RoomID
	}
	if b.Route != nil {
		a.Route = b.Route
	}
	if b.Facts != nil {
		a.Facts = b.Facts
	}
	if b.MergedInto != nil {
		a.MergedInto = b.MergedInto
	}
	return a
}

// eventRows is how many events one multi-row INSERT carries.
const eventRows = 200

// BulkCreateCases writes many cases with their later history in one
// transaction (demo data, bulk imports): each case row is written once in
// its final state and the events go in multi-row inserts. The result is the
// same as CreateCase followed by ApplyEvent for every step.
func (db *DB) BulkCreateCases(ctx context.Context, cases []store.BulkCase) error {
	return db.tx(ctx, "bulk create cases", func(tx *wtx) error {
		paths := map[int64]string{}
		var pending []store.Event
		for i := range cases {
			id, err := insertCase(ctx, tx, &cases[i].New, paths)
			if err != nil {
				return err
			}
			h := cases[i].History
			if len(h) == 0 {
				continue
			}
			var final store.CaseChange
			from := domain.StatusReceived
			for j, step := range h {
				final = merge(final, step.Change)
				ev := step.Event
				ev.CaseID, ev.Seq, ev.FromStatus = id, int64(j+2), from
				if ev.ToStatus == "" {
					ev.ToStatus = step.Change.Status
				}
				if ev.ToStatus == "" {
					ev.ToStatus = from
				}
				from = ev.ToStatus
				pending = append(pending, ev)
			}
			var sets []string
			var args []any
			set := func(col string, v any) {
				args = append(args, v)
				sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
			}
			changeSets(final, set)
			if m := lastMediator(h); m != 0 {
				set("presiding_id", m) // the history's assignments name who presides now
			}
			if final.RoomID != nil {
				path, err := casePath(ctx, tx, id, *final.RoomID)
				if err != nil {
					return err
				}
				set("org_path", path)
			}
			args = append(args, int64(1+len(h)), id)
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET `+strings.Join(sets, ", ")+fmt.Sprintf(`, version = $%d WHERE id = $%d`, len(args)-1, len(args)), args...); err != nil {
				return fmt.Errorf("case %d final state: %w", i, err)
			}
			if len(pending) >= eventRows {
				if err := insertEvents(ctx, tx, pending[:eventRows], db.d.QuestionMarks); err != nil {
					return err
				}
				pending = append(pending[:0], pending[eventRows:]...)
			}
		}
		return insertEvents(ctx, tx, pending, db.d.QuestionMarks)
	})
}

// lastMediator is the mediator named by the last assignment of a bulk
// history (Data "mediator_id" of assign, recusal_granted or reassign).
func lastMediator(h []store.Step) int64 {
	for i := len(h) - 1; i >= 0; i-- {
		switch h[i].Event.Type {
		case "assign", "recusal_granted", "reassign":
			var d struct {
				MediatorID int64 `json:"mediator_id"`
			}
			if json.Unmarshal([]byte(h[i].Event.Data), &d) == nil && d.MediatorID != 0 {
				return d.MediatorID
			}
		}
	}
	return 0
}

// insertEvents appends events with known sequence numbers in one statement.
func insertEvents(ctx context.Context, tx *wtx, evs []store.Event, questionMarks bool) error {
	if len(evs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO case_events (case_id, seq, type, from_status, to_status, actor_id, actor_name, at, reason_code, note, data) VALUES `)
	args := make([]any, 0, len(evs)*11)
	for i, ev := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		if questionMarks {
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		} else {
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11)
		}
		if ev.At.IsZero() {
			ev.At = time.Now()
		}
		if ev.Data == "" {
			ev.Data = "{}"
		}
		args = append(args, ev.CaseID, ev.Seq, ev.Type, string(ev.FromStatus), string(ev.ToStatus), nullInt(ev.ActorID),
			ev.ActorName, ev.At.UTC(), ev.ReasonCode, ev.Note, ev.Data)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("append events: %w", err)
	}
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.CaseID
	}
	if err := tx.db.hooks.run(ctx, tx.Tx, evs); err != nil {
		return err
	}
	return markDirty(ctx, tx, ids...)
}

func (db *DB) ListEvents(ctx context.Context, caseID int64) ([]store.Event, error) {
	rows, err := db.readGeneric().QueryContext(ctx, `SELECT id, case_id, seq, type, from_status, to_status, COALESCE(actor_id, 0),
		actor_name, at, reason_code, note, data FROM case_events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, db.wrap("list events", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var e store.Event
		var from, to string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &e.Type, &from, &to, &e.ActorID, &e.ActorName, &e.At,
			&e.ReasonCode, &e.Note, &e.Data); err != nil {
			return nil, db.wrap("scan event", err)
		}
		e.FromStatus, e.ToStatus, e.At = domain.Status(from), domain.Status(to), e.At.UTC()
		out = append(out, e)
	}
	return out, db.wrap("list events", rows.Err())
}

// CountCasesByStatus sums the case counters (migration 63): a /metrics
// scrape counted every case, 205 ms at 1,000,000.
func (db *DB) CountCasesByStatus(ctx context.Context) (map[domain.Status]int64, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT status, SUM(n) FROM case_counts GROUP BY status HAVING SUM(n) > 0`)
	if err != nil {
		return nil, db.wrap("count cases by status", err)
	}
	defer rows.Close()
	out := map[domain.Status]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, db.wrap("scan status count", err)
		}
		out[domain.Status(s)] = n
	}
	return out, db.wrap("count cases by status", rows.Err())
}
