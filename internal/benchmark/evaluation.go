package benchmark

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// EvalNow is "now" of the evaluation benchmark's synthetic history: a
// Friday, so the trailing year starts and ends mid-month and its sums read
// both the day and the month rollups.
var EvalNow = time.Date(2026, 11, 20, 18, 0, 0, 0, calendar.Shanghai())

// EvalFixture is a seeded database and what the evaluation queries need.
type EvalFixture struct {
	DB        *sqlstore.DB
	Service   *scorecard.Service
	Director  *auth.Principal // the committee's director (sees every mediator)
	Committee string          // unit code
	Sealer    *pii.Sealer
	YearFrom  string // the last twelve whole months
	YearTo    string
	TrailFrom string // the trailing year up to yesterday (mid-month at both ends)
	TrailTo   string
	Month     string // the last whole month
	Seeded    time.Duration
	CaughtUp  time.Duration
	Cases     int
}

// SeedEvaluation writes the demo organisation (one committee, 47
// mediators) and n synthetic cases over the three years before EvalNow
// through the bulk path, gives each assigned case its room's mediator as
// presiding mediator, and then counts every case into the rollups (the
// catch-up of a fresh installation), timing both.
func SeedEvaluation(ctx context.Context, db *sqlstore.DB, n int, progress io.Writer) (*EvalFixture, error) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i*7 + 3)
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return nil, err
	}
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format, a...)
		}
	}
	if empty, err := demo.IsEmpty(ctx, db); err != nil {
		return nil, err
	} else if !empty {
		// Seeded by an earlier run (tiaojie bench evaluation -sqlite-file): reuse it.
		var cases int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&cases); err != nil {
			return nil, err
		}
		say("  %s: reusing %d cases seeded earlier\n", db.Dialect(), cases)
		f := &EvalFixture{DB: db, Sealer: sealer, Committee: demo.CodeCommittee, Cases: cases}
		if err := f.prepare(ctx); err != nil {
			return nil, err
		}
		if _, err := f.Service.CatchUp(ctx); err != nil {
			return nil, err
		}
		return f, analyze(ctx, db)
	}
	start := time.Now()
	if _, err := demo.Build(ctx, db, sealer, demo.Options{Password: "bench-pass", Now: EvalNow, Cases: 0}); err != nil {
		return nil, fmt.Errorf("build the organisation: %w", err)
	}
	step := max(n/10, demo.BatchSize)
	next := step
	if _, err := demo.AddCases(ctx, db, sealer, n, demo.DefaultSeed, EvalNow, func(done, total int) {
		if done >= next || done == total {
			say("  %s: %d/%d cases written (%.0f s)\n", db.Dialect(), done, total, time.Since(start).Seconds())
			next += step
		}
	}); err != nil {
		return nil, fmt.Errorf("write cases: %w", err)
	}
	if err := setPresiding(ctx, db); err != nil {
		return nil, err
	}
	f := &EvalFixture{DB: db, Sealer: sealer, Committee: demo.CodeCommittee, Seeded: time.Since(start), Cases: n}
	if err := f.prepare(ctx); err != nil {
		return nil, err
	}
	say("  %s: %d cases seeded in %.1f s; counting them into the rollups…\n", db.Dialect(), n, f.Seeded.Seconds())
	start = time.Now()
	counted, err := f.Service.CatchUp(ctx)
	if err != nil {
		return nil, err
	}
	f.CaughtUp = time.Since(start)
	if counted != n {
		return nil, fmt.Errorf("catch-up counted %d cases of %d", counted, n)
	}
	return f, analyze(ctx, db)
}

// analyze leaves a freshly seeded PostgreSQL database as autovacuum would
// by the time a bulk load has settled (docs/operations.md "After a bulk
// load"): the planner's statistics (without them it estimates a handful of
// rows and sorts where it would hash) and vacuumed tables (their visibility
// map lets index-only scans skip the heap; at 1,000,000 cases the lists
// measured seconds on the unvacuumed database, tens of milliseconds after).
func analyze(ctx context.Context, db *sqlstore.DB) error {
	if db.Dialect() != "postgres" {
		return nil
	}
	// The schema's own tables: a test's scratch schema shares its database
	// with other tests'.
	var tables string
	if err := db.Writer().QueryRowContext(ctx, `SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables
		WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
		return fmt.Errorf("vacuum analyze: list tables: %w", err)
	}
	if _, err := db.Writer().ExecContext(ctx, `VACUUM ANALYZE `+tables); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

func (f *EvalFixture) prepare(ctx context.Context) error {
	cmt, err := f.DB.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	if err != nil {
		return fmt.Errorf("find the committee: %w", err)
	}
	f.Director = &auth.Principal{UserID: 0, DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
	f.Service = &scorecard.Service{Store: f.DB, Now: func() time.Time { return EvalNow }}
	today := calendar.DateOf(EvalNow)
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	f.YearTo = first.AddDays(-1).String()
	f.YearFrom = calendar.DateOf(first.Time().AddDate(-1, 0, 0)).String()
	f.TrailFrom, f.TrailTo = calendar.DateOf(EvalNow.AddDate(-1, 0, 0)).String(), today.AddDays(-1).String()
	f.Month = EvalNow.AddDate(0, -1, 0).Format("2006-01")
	return nil
}

// setPresiding fills in what the demo histories leave out: the presiding
// mediator of an assigned case is the mediator bound to its room (every
// demo room has exactly one). It runs before the catch-up, so every case is
// still queued for counting.
func setPresiding(ctx context.Context, db *sqlstore.DB) error {
	for i := 1; i <= demo.NumMediators; i++ {
		u, err := db.GetUserByUsername(ctx, fmt.Sprintf("mediator%02d", i))
		if err != nil {
			return fmt.Errorf("mediator %d: %w", i, err)
		}
		bs, err := db.ListBindings(ctx, u.ID)
		if err != nil {
			return fmt.Errorf("bindings of mediator %d: %w", i, err)
		}
		for _, b := range bs {
			if b.Role != domain.RoleMediator {
				continue
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET presiding_id = $1 WHERE room_id = $2`, u.ID, b.OrgID); err != nil {
				return fmt.Errorf("presiding mediator of room %d: %w", b.OrgID, err)
			}
		}
	}
	return nil
}

// Latency is the spread of one query's repeated timings.
type Latency struct {
	Name           string
	Reps           int
	P50, P95, P99  time.Duration
	Min, Max, Mean time.Duration
}

func (l Latency) String() string {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return fmt.Sprintf("%-38s ×%-4d p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  (min %.2f, max %.2f)",
		l.Name, l.Reps, ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Min), ms(l.Max))
}

// spread is the nearest-rank percentiles of timings.
func spread(name string, ds []time.Duration) Latency {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Latency{Name: name, Reps: len(s), P50: at(0.50), P95: at(0.95), P99: at(0.99), Min: s[0], Max: s[len(s)-1],
		Mean: sum / time.Duration(len(s))}
}

// ScoresYear is the committee's mediators' scores over the last twelve
// whole months; it returns how many mediators were scored.
func (f *EvalFixture) ScoresYear(ctx context.Context) (int, error) {
	sc, err := f.Service.Scores(ctx, f.Director, scorecard.Query{Unit: f.Committee, Level: scorecard.LevelMediator, From: f.YearFrom, To: f.YearTo})
	return len(sc.Rows), err
}

// ScoresTrailingYear is the same over the trailing year up to yesterday:
// its first and last month are partial, so their days come from the day
// rollup (the worst case of a year).
func (f *EvalFixture) ScoresTrailingYear(ctx context.Context) (int, error) {
	sc, err := f.Service.Scores(ctx, f.Director, scorecard.Query{Unit: f.Committee, Level: scorecard.LevelMediator, From: f.TrailFrom, To: f.TrailTo})
	return len(sc.Rows), err
}

// HeadlineYear is the committee's headline over the last twelve whole
// months (with the year before, for the change in handling time).
func (f *EvalFixture) HeadlineYear(ctx context.Context) error {
	_, err := f.Service.Headline(ctx, f.Director, f.Committee, f.YearFrom, f.YearTo)
	return err
}

// RankingMonth is the live (unpublished) mediator ranking of the last whole month.
func (f *EvalFixture) RankingMonth(ctx context.Context) (int, error) {
	r, err := f.Service.Ranking(ctx, f.Director, f.Committee, scorecard.LevelMediator, f.Month)
	return len(r.Body.Rows), err
}

// EvalResult is one engine's evaluation benchmark.
type EvalResult struct {
	Engine                                      string
	N                                           int
	Seeded                                      time.Duration // organisation + N cases with their histories
	CaughtUp                                    time.Duration // counting all N cases into the rollups
	Mediators                                   int           // scored in the year
	Queries                                     []Latency
	Upkeep                                      Upkeep
	RollupRows                                  map[string]int64
	YearFrom, YearTo, TrailFrom, TrailTo, Month string
}

// Upkeep compares complaint intake with and without the rollup catch-up
// running beside it, in the same run on the same database.
type Upkeep struct {
	N              int           // complaints per intake round
	Alone          time.Duration // mean of the two rounds without the sweep
	AloneRounds    [2]time.Duration
	WithSweep      time.Duration // the round with the catch-up sweeping beside it, until its last case is counted
	Swept          int           // cases the sweep counted while intake ran
	CatchUpAfter   time.Duration // catching up the first round's cases after it, alone
	CatchUpAfterN  int
	SweepOverhead  float64 // WithSweep/Alone - 1
	CatchUpPerCase float64 // catch-up cost of a case / intake cost of a case
}

func (r EvalResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: year %s..%s, trailing year %s..%s, month %s\n", r.Engine, r.YearFrom, r.YearTo, r.TrailFrom, r.TrailTo, r.Month)
	if r.Seeded == 0 {
		fmt.Fprintf(&b, "%s: %d cases, seeded and counted by an earlier run\n", r.Engine, r.N)
	} else {
		fmt.Fprintf(&b, "%s: %d cases seeded in %.1f s (%.0f cases/s); catch-up counted them in %.1f s (%.0f cases/s)\n",
			r.Engine, r.N, r.Seeded.Seconds(), float64(r.N)/r.Seeded.Seconds(), r.CaughtUp.Seconds(), float64(r.N)/r.CaughtUp.Seconds())
	}
	fmt.Fprintf(&b, "  rollup rows: eval_day %d, eval_month %d, eval_hist_day %d, eval_hist_month %d; mediators scored %d\n",
		r.RollupRows["eval_day"], r.RollupRows["eval_month"], r.RollupRows["eval_hist_day"], r.RollupRows["eval_hist_month"], r.Mediators)
	for _, q := range r.Queries {
		fmt.Fprintf(&b, "  %s\n", q)
	}
	u := r.Upkeep
	if u.N > 0 {
		perCase := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(u.N) }
		fmt.Fprintf(&b, "  intake of %d complaints: alone %.2f s, %.2f s (%.3f ms/case); with the catch-up sweeping every %v beside it, until all counted, %.2f s (%.3f ms/case; %d counted during intake): %+.1f%%\n",
			u.N, u.AloneRounds[0].Seconds(), u.AloneRounds[1].Seconds(), perCase(u.Alone), SweepEvery, u.WithSweep.Seconds(), perCase(u.WithSweep), u.Swept, u.SweepOverhead*100)
		fmt.Fprintf(&b, "  catch-up of the %d cases of an intake round afterwards: %.2f s (%.3f ms/case) = %.1f%% of intake's cost per case\n",
			u.CatchUpAfterN, u.CatchUpAfter.Seconds(), float64(u.CatchUpAfter.Microseconds())/1000/float64(max(u.CatchUpAfterN, 1)), u.CatchUpPerCase*100)
	}
	return b.String()
}

// Evaluation seeds n cases on db (an empty, migrated database), times each
// evaluation query reps times, then measures the rollups' upkeep cost on
// intakeN complaints.
func Evaluation(ctx context.Context, db *sqlstore.DB, n, reps, intakeN int, progress io.Writer) (EvalResult, error) {
	res := EvalResult{Engine: db.Dialect(), N: n, RollupRows: map[string]int64{}}
	f, err := SeedEvaluation(ctx, db, n, progress)
	if err != nil {
		return res, err
	}
	res.N, res.Seeded, res.CaughtUp = f.Cases, f.Seeded, f.CaughtUp
	res.YearFrom, res.YearTo, res.TrailFrom, res.TrailTo, res.Month = f.YearFrom, f.YearTo, f.TrailFrom, f.TrailTo, f.Month
	for _, t := range []string{"eval_day", "eval_month", "eval_hist_day", "eval_hist_month"} {
		var c int64
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&c); err != nil {
			return res, fmt.Errorf("count %s: %w", t, err)
		}
		res.RollupRows[t] = c
	}
	if res.Mediators, err = f.ScoresYear(ctx); err != nil { // warm: names cached, statements planned
		return res, err
	}
	queries := []struct {
		name string
		run  func(context.Context) error
	}{
		{"Scores(committee, mediators, year)", func(ctx context.Context) error { _, err := f.ScoresYear(ctx); return err }},
		{"Headline(committee, year)", f.HeadlineYear},
		{"Scores(…, trailing 365 days)", func(ctx context.Context) error { _, err := f.ScoresTrailingYear(ctx); return err }},
		{"Ranking(committee, mediators, month)", func(ctx context.Context) error { _, err := f.RankingMonth(ctx); return err }},
	}
	for _, q := range queries {
		if err := q.run(ctx); err != nil {
			return res, fmt.Errorf("%s: %w", q.name, err)
		}
		ds := make([]time.Duration, reps)
		for i := range ds {
			t0 := time.Now()
			if err := q.run(ctx); err != nil {
				return res, fmt.Errorf("%s: %w", q.name, err)
			}
			ds[i] = time.Since(t0)
		}
		res.Queries = append(res.Queries, spread(q.name, ds))
	}
	if intakeN > 0 {
		if res.Upkeep, err = measureUpkeep(ctx, f, intakeN); err != nil {
			return res, err
		}
	}
	return res, nil
}

// SweepEvery is how often the benchmark's catch-up sweep runs beside
// intake: ten times as often as the platform's own sweep (10 s), so that a
// round of a few seconds sees several sweeps.
const SweepEvery = time.Second

// measureUpkeep registers intakeN complaints three times on the seeded
// database: alone (the events still mark their cases for counting, as
// every write does; nothing counts them during the round), with the
// catch-up sweeping beside it until every case of the round is counted,
// and alone again; the two lone rounds bracket the swept one against
// drift. After the first lone round it times the catch-up of that round's
// cases on its own.
func measureUpkeep(ctx context.Context, f *EvalFixture, intakeN int) (Upkeep, error) {
	u := Upkeep{N: intakeN}
	cmt, err := f.DB.GetOrgUnitByCode(ctx, f.Committee)
	if err != nil {
		return u, err
	}
	p := &auth.Principal{UserID: 0, DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
	svc := &intake.Service{Store: f.DB, Sealer: f.Sealer}
	round := func(seed uint64) (time.Duration, error) {
		in := Complaints(intakeN, seed)
		t0 := time.Now()
		for i, c := range in {
			if _, _, err := svc.Register(ctx, p, c, ""); err != nil {
				return 0, fmt.Errorf("register %d: %w", i, err)
			}
		}
		return time.Since(t0), nil
	}
	if u.AloneRounds[0], err = round(11); err != nil {
		return u, err
	}
	t0 := time.Now()
	if u.CatchUpAfterN, err = f.Service.CatchUp(ctx); err != nil {
		return u, err
	}
	u.CatchUpAfter = time.Since(t0)

	// The round with upkeep: the catch-up sweeps every SweepEvery beside
	// the intake, and the round ends when its last case is counted.
	sweepCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var sweepErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-sweepCtx.Done():
				return
			case <-time.After(SweepEvery):
			}
			n, err := f.Service.CatchUp(sweepCtx)
			u.Swept += n
			if err != nil {
				if sweepCtx.Err() == nil {
					sweepErr = err
				}
				return
			}
		}
	}()
	t0 = time.Now()
	_, err = round(12)
	stop()
	wg.Wait()
	if err != nil {
		return u, err
	}
	if sweepErr != nil {
		return u, fmt.Errorf("sweep: %w", sweepErr)
	}
	if _, err := f.Service.CatchUp(ctx); err != nil {
		return u, err
	}
	u.WithSweep = time.Since(t0)
	if u.AloneRounds[1], err = round(13); err != nil {
		return u, err
	}
	if _, err := f.Service.CatchUp(ctx); err != nil {
		return u, err
	}
	u.Alone = (u.AloneRounds[0] + u.AloneRounds[1]) / 2
	u.SweepOverhead = u.WithSweep.Seconds()/u.Alone.Seconds() - 1
	if u.CatchUpAfterN > 0 {
		u.CatchUpPerCase = (u.CatchUpAfter.Seconds() / float64(u.CatchUpAfterN)) / (u.AloneRounds[0].Seconds() / float64(intakeN))
	}
	return u, nil
}
