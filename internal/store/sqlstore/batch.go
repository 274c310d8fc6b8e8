package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// batchRows is how many rows one multi-row INSERT of InsertCases carries:
// an import's whole transaction in one statement per table, so SQLite's
// statement journal copies each page it changes once, not once per 200
// rows. 27 parameters a case row: 27,000, under SQLite's 32,766 and
// PostgreSQL's 65,535.
const batchRows = 1000

// placeholders writes one VALUES tuple of n parameters numbered after
// already (or "?" marks).
func placeholders(b *strings.Builder, n, already int, questionMarks bool) {
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if questionMarks {
			b.WriteByte('?')
		} else {
			fmt.Fprintf(b, "$%d", already+i+1)
		}
	}
	b.WriteByte(')')
}

// InsertCases writes new cases as CreateCase called for each in order would
// (same numbers, same merchant rows, same parties and first events, the
// same event hooks and rollup marks), in one transaction and a few
// statements: merchants in at most two upserts, one counter step per
// (committee, year), cases, parties and events in multi-row inserts. It
// does not look up idempotency keys: any unique conflict (a 12315 number, a
// court number, a key already used) fails the whole call with ErrConflict
// and nothing is written.
func (db *DB) InsertCases(ctx context.Context, ncs []*store.NewCase) ([]store.Case, error) {
	if len(ncs) == 0 {
		return nil, nil
	}
	out := make([]store.Case, len(ncs))
	err := db.tx(ctx, "create case", func(tx *wtx) error {
		qm := db.d.QuestionMarks
		if err := upsertMerchants(ctx, tx, ncs, qm); err != nil {
			return fmt.Errorf("merchants: %w", err)
		}
		if err := allocateNumbers(ctx, tx, ncs, out); err != nil {
			return err
		}
		paths := map[int64]string{}
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
		now := time.Now().UTC()
		for i, nc := range ncs {
			c := &out[i]
			orgID := nc.CommitteeID
			if nc.RoomID != 0 {
				orgID = nc.RoomID
			}
			var err error
			if c.OrgPath, err = path(orgID); err != nil {
				return err
			}
			if nc.DivertedByOrgID != 0 {
				if c.DivertedByPath, err = path(nc.DivertedByOrgID); err != nil {
					return err
				}
			}
			for _, p := range nc.Parties {
				if p.Kind == "consumer" && c.ConsumerName == "" {
					c.ConsumerName = p.Name
				}
				if p.Kind == "merchant" && c.MerchantName == "" {
					c.MerchantName = p.Name
				}
			}
			c.CommitteeID, c.RoomID, c.DivertedByOrgID = nc.CommitteeID, nc.RoomID, nc.DivertedByOrgID
			c.Status, c.Channel, c.Category, c.Description, c.Claim, c.ClaimFen = domain.StatusReceived, nc.Channel, nc.Category, nc.Description, nc.Claim, nc.ClaimFen
			c.ReceivedAt, c.MerchantID, c.ExternalID, c.CourtNumber, c.PlatformID = nc.ReceivedAt.UTC(), nc.MerchantID, nc.ExternalID, nc.CourtNumber, nc.PlatformID
			c.CreatedBy, c.Version, c.Created, c.Updated = nc.CreatedBy, 1, now, now
		}
		for lo := 0; lo < len(ncs); lo += batchRows {
			if err := insertCaseRows(ctx, tx, ncs[lo:min(lo+batchRows, len(ncs))], out[lo:min(lo+batchRows, len(ncs))], qm); err != nil {
				return err
			}
		}
		gs := make([]newGrams, len(out))
		for i := range out {
			tx.about("case", out[i].ID)
			c := &out[i]
			gs[i] = newGrams{c.ID, [5]string{c.Number, c.ConsumerName, c.MerchantName, c.Description, c.ExternalID}}
		}
		if err := writeGrams(ctx, tx, gs); err != nil {
			return err
		}
		if err := insertPartyRows(ctx, tx, ncs, out, qm); err != nil {
			return err
		}
		evs := make([]store.Event, 0, len(ncs))
		for i, nc := range ncs {
			ev := nc.Event
			if ev.Type == "" {
				ev.Type = "received"
			}
			ev.CaseID, ev.Seq, ev.ToStatus = out[i].ID, 1, domain.StatusReceived
			evs = append(evs, ev)
		}
		for lo := 0; lo < len(evs); lo += batchRows {
			if err := insertEvents(ctx, tx, evs[lo:min(lo+batchRows, len(evs))], qm); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// upsertMerchants does what upsertMerchant for each case in order does: one
// row per credit code (or per name, without one), whose name and address
// become the last non-empty ones given, in at most two statements.
func upsertMerchants(ctx context.Context, tx *wtx, ncs []*store.NewCase, qm bool) error {
	type key struct{ code, name string }
	folded := map[key]*store.Merchant{}
	var order []key
	for _, nc := range ncs {
		m := nc.Merchant
		if m == nil {
			continue
		}
		k := key{code: m.CreditCode}
		if m.CreditCode == "" {
			k.name = m.Name
		}
		f, ok := folded[k]
		if !ok {
			f = &store.Merchant{Name: m.Name, CreditCode: m.CreditCode, Address: m.Address, ODR: m.ODR}
			folded[k] = f
			order = append(order, k)
			continue
		}
		if m.Name != "" {
			f.Name = m.Name
		}
		if m.Address != "" {
			f.Address = m.Address
		}
		f.ODR = f.ODR || m.ODR
	}
	now := time.Now().UTC()
	for _, byCode := range []bool{true, false} {
		var ks []key
		for _, k := range order {
			if (k.code != "") == byCode {
				ks = append(ks, k)
			}
		}
		for lo := 0; lo < len(ks); lo += batchRows {
			part := ks[lo:min(lo+batchRows, len(ks))]
			var b strings.Builder
			b.WriteString(`INSERT INTO merchants (name, credit_code, address, odr, created_at) VALUES `)
			args := make([]any, 0, len(part)*5)
			for i, k := range part {
				if i > 0 {
					b.WriteString(", ")
				}
				placeholders(&b, 5, len(args), qm)
				m := folded[k]
				args = append(args, m.Name, nullStr(m.CreditCode), m.Address, m.ODR, now)
			}
			target := `(credit_code)`
			if !byCode {
				target = `(name) WHERE credit_code IS NULL`
			}
			b.WriteString(` ON CONFLICT ` + target + ` DO UPDATE SET
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE merchants.name END,
				address = CASE WHEN excluded.address <> '' THEN excluded.address ELSE merchants.address END,
				odr = merchants.odr OR excluded.odr
				RETURNING ` + merchantCols)
			rows, err := tx.QueryContext(ctx, b.String(), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var m store.Merchant
				if err := rows.Scan(&m.ID, &m.Name, &m.CreditCode, &m.Address, &m.ODR); err != nil {
					rows.Close()
					return err
				}
				k := key{code: m.CreditCode}
				if m.CreditCode == "" {
					k.name = m.Name
				}
				if f, ok := folded[k]; ok {
					*f = m
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	for _, nc := range ncs {
		m := nc.Merchant
		if m == nil {
			continue
		}
		k := key{code: m.CreditCode}
		if m.CreditCode == "" {
			k.name = m.Name
		}
		f := folded[k]
		if f.ID == 0 {
			return fmt.Errorf("merchant %q not returned by its upsert", m.Name)
		}
		*m = *f
		nc.MerchantID = m.ID
		for i := range nc.Parties {
			if nc.Parties[i].Kind == "merchant" && nc.Parties[i].MerchantID == 0 {
				nc.Parties[i].MerchantID = m.ID
			}
		}
	}
	return nil
}

// allocateNumbers takes each (committee, year)'s numbers in one step of its
// counter, handing them out in the order of the cases.
func allocateNumbers(ctx context.Context, tx *wtx, ncs []*store.NewCase, out []store.Case) error {
	type key struct {
		committee int64
		year      int
	}
	count := map[key]int64{}
	var order []key
	for i, nc := range ncs {
		k := key{nc.CommitteeID, nc.ReceivedAt.In(shanghai).Year()}
		if _, ok := count[k]; !ok {
			order = append(order, k)
		}
		count[k]++
		out[i].Year = k.year
	}
	next := map[key]int64{}
	for _, k := range order {
		var last int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO case_counters (committee_id, year, last) VALUES ($1, $2, $3)
			ON CONFLICT (committee_id, year) DO UPDATE SET last = case_counters.last + excluded.last RETURNING last`,
			k.committee, k.year, count[k]).Scan(&last); err != nil {
			return fmt.Errorf("allocate numbers: %w", err)
		}
		next[k] = last - count[k] + 1
	}
	for i, nc := range ncs {
		k := key{nc.CommitteeID, out[i].Year}
		out[i].Seq = next[k]
		next[k]++
		out[i].Number = domain.CaseNumber(k.year, nc.CommitteeAbbr, out[i].Seq)
	}
	return nil
}

// insertCaseRows inserts one multi-row INSERT of cases and learns their ids
// by number (the order of RETURNING rows is not promised).
func insertCaseRows(ctx context.Context, tx *wtx, ncs []*store.NewCase, out []store.Case, qm bool) error {
	const cols = 27
	var b strings.Builder
	b.WriteString(`INSERT INTO cases (number, year, seq, committee_id, room_id, org_path,
		diverted_by_org_id, diverted_by_path, status, channel, category, description, claim, claim_fen,
		received_at, merchant_id, merchant_name, consumer_name, external_id, court_number, platform_id,
		created_by, client_id, idempotency_key, version, created_at, updated_at) VALUES `)
	args := make([]any, 0, len(ncs)*cols)
	for i, nc := range ncs {
		c := &out[i]
		if i > 0 {
			b.WriteString(", ")
		}
		placeholders(&b, cols, len(args), qm)
		args = append(args, c.Number, c.Year, c.Seq, nc.CommitteeID, nullInt(nc.RoomID), c.OrgPath, nullInt(nc.DivertedByOrgID), c.DivertedByPath,
			string(domain.StatusReceived), string(nc.Channel), nc.Category, nc.Description, nc.Claim, nc.ClaimFen,
			c.ReceivedAt, nullInt(nc.MerchantID), c.MerchantName, c.ConsumerName, nullStr(nc.ExternalID), nullStr(nc.CourtNumber),
			nullStr(nc.PlatformID), nullInt(nc.CreatedBy), nullStr(nc.ClientID), nullStr(nc.IdempotencyKey), int64(1), c.Created, c.Created)
	}
	rows, err := tx.QueryContext(ctx, b.String()+` RETURNING id, number`, args...)
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(ncs))
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			rows.Close()
			return err
		}
		ids[number] = id
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range out {
		if out[i].ID = ids[out[i].Number]; out[i].ID == 0 {
			return fmt.Errorf("case %s not returned by its insert", out[i].Number)
		}
	}
	return nil
}

// insertPartyRows inserts the parties of the cases in multi-row INSERTs, in
// the cases' order (party ids ascend as CreateCase's do).
func insertPartyRows(ctx context.Context, tx *wtx, ncs []*store.NewCase, out []store.Case, qm bool) error {
	const cols = 12
	type pr struct {
		i int
		p store.Party
	}
	var all []pr
	for i, nc := range ncs {
		for _, p := range nc.Parties {
			all = append(all, pr{i, p})
		}
	}
	for lo := 0; lo < len(all); lo += batchRows {
		part := all[lo:min(lo+batchRows, len(all))]
		var b strings.Builder
		b.WriteString(`INSERT INTO parties (case_id, kind, name, phone_sealed, phone_hash, phone_mask, id_sealed, id_hash, id_mask,
			merchant_id, credit_code, address) VALUES `)
		args := make([]any, 0, len(part)*cols)
		for j, x := range part {
			if j > 0 {
				b.WriteString(", ")
			}
			placeholders(&b, cols, len(args), qm)
			p := x.p
			args = append(args, out[x.i].ID, p.Kind, p.Name, p.PhoneSealed, p.PhoneHash, p.PhoneMask, p.IDSealed, p.IDHash, p.IDMask,
				nullInt(p.MerchantID), p.CreditCode, p.Address)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert parties: %w", err)
		}
	}
	for _, x := range all {
		p := x.p
		p.CaseID = out[x.i].ID
		out[x.i].Parties = append(out[x.i].Parties, p)
	}
	return nil
}

// CaseIDsByExternalID answers, in one read, which of the given 12315
// numbers are cases already: number → case id.
func (db *DB) CaseIDsByExternalID(ctx context.Context, externalIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	for lo := 0; lo < len(externalIDs); lo += 500 {
		part := externalIDs[lo:min(lo+500, len(externalIDs))]
		var b strings.Builder
		b.WriteString(`SELECT external_id, id FROM cases WHERE external_id IN (`)
		args := make([]any, len(part))
		for i, x := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", i+1)
			args[i] = x
		}
		b.WriteString(`)`)
		rows, err := db.read().QueryContext(ctx, b.String(), args...)
		if err != nil {
			return nil, db.wrap("case ids by external id", err)
		}
		for rows.Next() {
			var x string
			var id int64
			if err := rows.Scan(&x, &id); err != nil {
				rows.Close()
				return nil, db.wrap("scan case id by external id", err)
			}
			out[x] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.wrap("case ids by external id", err)
		}
	}
	return out, nil
}
