// Package benchmark measures the platform against the raw ceiling of the
// engine it runs on, so figures are comparable across machines.
package benchmark

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// Result of one intake run.
type Result struct {
	Engine      string
	N           int
	CasesPerSec float64 // complaints registered through intake.Service (validation, sealing, number, case, parties, event)
	RawPerSec   float64 // single-row INSERT transactions of a row as wide as a case
	Ratio       float64 // CasesPerSec / RawPerSec
	// WithJobPerSec: the same intake with one job enqueued in each
	// complaint's transaction (the way SMS and platform sync are queued),
	// measured in alternating rounds with the plain intake.
	WithJobPerSec float64
	PlainPerSec   float64 // the plain rounds of that comparison
	JobCost       float64 // 1 - WithJobPerSec/PlainPerSec
}

func (r Result) String() string {
	s := fmt.Sprintf("%-8s n=%-6d intake %8.0f cases/s   raw ceiling %8.0f rows/s   ratio %.2f", r.Engine, r.N, r.CasesPerSec, r.RawPerSec, r.Ratio)
	if r.WithJobPerSec > 0 {
		s += fmt.Sprintf("\n%-8s enqueue in the intake transaction: %8.0f cases/s with a job, %8.0f without (alternating rounds), cost %.1f%%",
			r.Engine, r.WithJobPerSec, r.PlainPerSec, 100*r.JobCost)
	}
	return s
}

// followArgs is the job the comparison enqueues: the shape of an SMS or a
// sync job (a case id), never worked here.
type followArgs struct {
	CaseID int64 `json:"case_id"`
}

func (followArgs) Kind() string { return "bench_follow" }

type followWorker struct {
	river.WorkerDefaults[followArgs]
}

func (followWorker) Work(context.Context, *river.Job[followArgs]) error { return nil }

// jobCost registers n complaints in rounds of 50, alternating between
// plain intake and intake whose transaction also enqueues one job (an
// event hook, the way the platform enqueues), so drift in the machine or
// the growing tables falls on both sides alike.
func jobCost(ctx context.Context, db *sqlstore.DB, svc *intake.Service, p *auth.Principal, n int) (with, plain float64, err error) {
	q, err := jobs.New(jobs.Config{Driver: db.QueueDriver(), Store: db})
	if err != nil {
		return 0, 0, err
	}
	jobs.Register(q, followWorker{})
	var on atomic.Bool
	db.OnEvents(func(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
		if !on.Load() {
			return nil
		}
		return q.InsertTx(ctx, tx, jobs.Insert(followArgs{CaseID: evs[0].CaseID}, nil))
	})
	inputs := Complaints(n, 2)
	var tWith, tPlain time.Duration
	var nWith, nPlain int
	const round = 50
	for i := 0; i < n; i += round {
		withJob := (i/round)%2 == 0
		on.Store(withJob)
		start := time.Now()
		end := min(i+round, n)
		for _, in := range inputs[i:end] {
			if _, _, err := svc.Register(ctx, p, in, ""); err != nil {
				return 0, 0, fmt.Errorf("register: %w", err)
			}
		}
		if withJob {
			tWith += time.Since(start)
			nWith += end - i
		} else {
			tPlain += time.Since(start)
			nPlain += end - i
		}
	}
	on.Store(false)
	return float64(nWith) / tWith.Seconds(), float64(nPlain) / tPlain.Seconds(), nil
}

// Intake registers n complaints through the real service on db (an empty,
// migrated database) and then measures the raw ceiling on the same engine.
func Intake(ctx context.Context, db *sqlstore.DB, n int) (Result, error) {
	res := Result{Engine: db.Dialect(), N: n}
	svc, p, err := setup(ctx, db)
	if err != nil {
		return res, err
	}
	inputs := Complaints(n, 1)
	start := time.Now()
	for i, in := range inputs {
		if _, _, err := svc.Register(ctx, p, in, ""); err != nil {
			return res, fmt.Errorf("register %d: %w", i, err)
		}
	}
	res.CasesPerSec = float64(n) / time.Since(start).Seconds()
	raw, err := rawCeiling(ctx, db, n)
	if err != nil {
		return res, err
	}
	res.RawPerSec = raw
	res.Ratio = res.CasesPerSec / res.RawPerSec
	if res.WithJobPerSec, res.PlainPerSec, err = jobCost(ctx, db, svc, p, n); err != nil {
		return res, err
	}
	res.JobCost = 1 - res.WithJobPerSec/res.PlainPerSec
	return res, nil
}

// setup creates a committee and a mediator bound to it.
func setup(ctx context.Context, db store.Store) (*intake.Service, *auth.Principal, error) {
	city := store.OrgUnit{Kind: domain.OrgCity, Code: "bench-city", Name: "上海市"}
	if err := db.CreateOrgUnit(ctx, &city); err != nil {
		return nil, nil, err
	}
	dist := store.OrgUnit{ParentID: city.ID, Kind: domain.OrgDistrict, Code: "bench-d", Name: "浦东新区"}
	if err := db.CreateOrgUnit(ctx, &dist); err != nil {
		return nil, nil, err
	}
	cmt := store.OrgUnit{ParentID: dist.ID, Kind: domain.OrgCommittee, Code: "bench-c", Name: "调委会", Abbr: "浦"}
	if err := db.CreateOrgUnit(ctx, &cmt); err != nil {
		return nil, nil, err
	}
	key := make([]byte, 32)
	s, err := pii.NewSealer(key)
	if err != nil {
		return nil, nil, err
	}
	p := &auth.Principal{UserID: 0, DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
	return &intake.Service{Store: db, Sealer: s}, p, nil
}

// Complaints makes n valid, varied complaints from a seed (variedComplaint,
// the 12315 export's words: until 2026-12-05 every complaint had the same
// description, which made the search index's share of a write look small).
func Complaints(n int, seed uint64) []intake.Complaint {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]intake.Complaint, n)
	for i := range out {
		out[i] = variedComplaint(r)
		out[i].Phone = fmt.Sprintf("13%d%08d", r.IntN(10), r.IntN(100000000))
	}
	return out
}

// rawCeiling inserts n rows, one transaction each, into a scratch table as
// wide as the cases row: what the engine itself can do on this machine.
func rawCeiling(ctx context.Context, db *sqlstore.DB, n int) (float64, error) {
	w := db.Writer()
	cols := "a01 TEXT, a02 TEXT, a03 TEXT, a04 TEXT, a05 TEXT, a06 TEXT, a07 TEXT, a08 TEXT, a09 TEXT, a10 TEXT, " +
		"b01 BIGINT, b02 BIGINT, b03 BIGINT, b04 BIGINT, b05 BIGINT, b06 BIGINT, b07 BIGINT, b08 BIGINT, " +
		"t01 TIMESTAMP, t02 TIMESTAMP, t03 TIMESTAMP"
	idcol := "id INTEGER PRIMARY KEY"
	if db.Dialect() == "postgres" {
		idcol = "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	if _, err := w.ExecContext(ctx, "CREATE TABLE bench_raw ("+idcol+", "+cols+")"); err != nil {
		return 0, fmt.Errorf("create raw table: %w", err)
	}
	defer w.ExecContext(context.Background(), "DROP TABLE bench_raw")
	desc := "消费者在该店购买商品后发现质量问题，要求退货退款被拒绝，多次协商未果。"
	now := time.Now().UTC()
	start := time.Now()
	for i := 0; i < n; i++ {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO bench_raw (a01, a02, a03, a04, a05, a06, a07, a08, a09, a10,
			b01, b02, b03, b04, b05, b06, b07, b08, t01, t02, t03)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
			fmt.Sprintf("（2026）浦消调字第%05d号", i), "received", "walk_in", "服务-健身", desc, "退货退款", "王小明",
			"上海某某商贸有限公司", "/1/2/3/", "", i, 2026, i, 1, 1, 0, 100, 1, now, now, now)
		if err != nil {
			tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
