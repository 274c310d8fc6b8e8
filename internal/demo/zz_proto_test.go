package demo

// THROWAWAY experiment (deleted after measuring): how fast could
// BulkCreateCases be with prepared statements and the history folded into
// the case row? Not part of the package.

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type protoStore struct {
	*sqlstore.DB
}

func ni(v int64) sql.NullInt64   { return sql.NullInt64{Int64: v, Valid: v != 0} }
func ns(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
func nt(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func (p protoStore) BulkCreateCases(ctx context.Context, cases []store.BulkCase) error {
	tx, err := p.Writer().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	counter, err := tx.PrepareContext(ctx, `INSERT INTO case_counters (committee_id, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (committee_id, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`)
	if err != nil {
		return err
	}
	insCase, err := tx.PrepareContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, room_id, org_path,
		diverted_by_org_id, diverted_by_path, status, prev_status, channel, category, description, claim, claim_fen,
		received_at, accepted_at, decided_at, closed_at, reason_code, policy_id,
		merchant_id, merchant_name, consumer_name, external_id, court_number, platform_id,
		created_by, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $23, $24, $25, $26, $27, $28, $29, $30, $30) RETURNING id`)
	if err != nil {
		return err
	}
	insParty, err := tx.PrepareContext(ctx, `INSERT INTO parties (case_id, kind, name, phone_sealed, phone_hash,
			phone_mask, id_sealed, id_hash, id_mask, merchant_id, credit_code, address)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`)
	if err != nil {
		return err
	}
	insEv, err := tx.PrepareContext(ctx, `INSERT INTO case_events (case_id, seq, type, from_status, to_status, actor_id,
		actor_name, at, reason_code, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`)
	if err != nil {
		return err
	}
	paths := map[int64]string{}
	path := func(id int64) string {
		if p, ok := paths[id]; ok {
			return p
		}
		var s string
		tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, id).Scan(&s)
		paths[id] = s
		return s
	}
	now := time.Now().UTC()
	for i := range cases {
		nc := &cases[i].New
		year := nc.ReceivedAt.In(time.FixedZone("CST", 8*3600)).Year()
		var seq int64
		if err := counter.QueryRowContext(ctx, nc.CommitteeID, year).Scan(&seq); err != nil {
			return err
		}
		status, prev := domain.StatusReceived, domain.Status("")
		var acc, dec, closed *time.Time
		var reason string
		var policy int64
		for _, h := range cases[i].History {
			c := h.Change
			if c.Status != "" {
				status = c.Status
			}
			if c.PrevStatus != nil {
				prev = *c.PrevStatus
			}
			if c.AcceptedAt != nil {
				acc = c.AcceptedAt
			}
			if c.DecidedAt != nil {
				dec = c.DecidedAt
			}
			if c.ClosedAt != nil {
				closed = c.ClosedAt
			}
			if c.ReasonCode != nil {
				reason = *c.ReasonCode
			}
			if c.PolicyID != nil {
				policy = *c.PolicyID
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
		divPath := ""
		if nc.DivertedByOrgID != 0 {
			divPath = path(nc.DivertedByOrgID)
		}
		var id int64
		err := insCase.QueryRowContext(ctx, domain.CaseNumber(year, nc.CommitteeAbbr, seq), year, seq, nc.CommitteeID,
			ni(nc.RoomID), path(nc.RoomID), ni(nc.DivertedByOrgID), divPath, string(status), string(prev), string(nc.Channel),
			nc.Category, nc.Description, nc.Claim, nc.ClaimFen, nc.ReceivedAt.UTC(), nt(acc), nt(dec), nt(closed), reason, ni(policy),
			ni(nc.MerchantID), merchant, consumer, ns(nc.ExternalID), ns(nc.CourtNumber), ns(nc.PlatformID), ni(nc.CreatedBy),
			int64(len(cases[i].History)+1), now).Scan(&id)
		if err != nil {
			return err
		}
		for _, p := range nc.Parties {
			if _, err := insParty.ExecContext(ctx, id, p.Kind, p.Name, p.PhoneSealed, p.PhoneHash, p.PhoneMask, p.IDSealed, p.IDHash, p.IDMask,
				ni(p.MerchantID), p.CreditCode, p.Address); err != nil {
				return err
			}
		}
		ev := nc.Event
		if _, err := insEv.ExecContext(ctx, id, 1, "received", "", "received", ni(ev.ActorID), ev.ActorName, ev.At.UTC(), "", ev.Note, "{}"); err != nil {
			return err
		}
		from := domain.StatusReceived
		for j, h := range cases[i].History {
			e := h.Event
			to := e.ToStatus
			if to == "" {
				to = h.Change.Status
			}
			if e.Data == "" {
				e.Data = "{}"
			}
			if _, err := insEv.ExecContext(ctx, id, j+2, e.Type, string(from), string(to), ni(e.ActorID), e.ActorName, e.At.UTC(), e.ReasonCode, e.Note, e.Data); err != nil {
				return err
			}
			if h.Change.Status != "" {
				from = h.Change.Status
			}
		}
	}
	return tx.Commit()
}

func TestZZProto(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		ctx := context.Background()
		db := e.Open(t, true)
		key := make([]byte, 32)
		sealer, _ := pii.NewSealer(key)
		if _, err := Build(ctx, db, sealer, Options{Password: "p", Now: testNow}); err != nil {
			t.Fatal(err)
		}
		n := 65000
		if e.Name == "postgres" {
			n = 10000
		}
		start := time.Now()
		if _, err := AddCases(ctx, protoStore{db}, sealer, n, DefaultSeed, testNow, nil); err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		t.Logf("%s: %d cases in %v (%.0f/s)", e.Name, n, el, float64(n)/el.Seconds())
		if e.Name == "sqlite" {
			checkCases(t, db, n)
		}
	}
}
