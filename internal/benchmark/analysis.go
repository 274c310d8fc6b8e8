package benchmark

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// AnalysisFixture is a database whose analysis and evaluation rollups hold
// n cases' worth of rows, written straight into the rollup tables.
type AnalysisFixture struct {
	DB       *sqlstore.DB
	Service  *analysis.Service
	Director *auth.Principal
	Cases    int
	Rows     map[string]int // rollup rows written, by table
	Seeded   time.Duration
}

// Shape of the synthetic district: rooms, merchants (Zipf-distributed
// complaints), streets (each merchant in one), categories and channels.
const (
	anaRooms     = 70
	anaMerchants = 5000
	anaStreets   = 40
)

var anaCategories = []string{"服务-健身", "服务-美容美发", "服务-教育培训", "服务-餐饮", "服务-家政", "服务-维修", "服务-旅游", "服务-物业",
	"商品-食品", "商品-家用电器", "商品-服装鞋帽", "商品-通讯器材", "商品-汽车", "网络购物", "预付卡", "其他"}

var anaChannels = []struct {
	ch     domain.Channel
	weight int
}{{domain.Channel12315, 55}, {domain.ChannelWalkIn, 12}, {domain.ChannelPhone, 10}, {domain.ChannelOnline, 12},
	{domain.ChannelODR, 6}, {domain.ChannelCourt, 3}, {domain.ChannelLetters, 2}}

// SeedAnalysis builds the demo organisation and writes n cases' worth of
// rollup rows over the three years before EvalNow: analysis_day and
// analysis_month (merchant, street), and the evaluation's eval_day,
// eval_day_unit and eval_month (received, claim, the funnel's counters,
// recovered amounts, overdue moves). It is the shape the dashboards read at
// that many cases; the case tables stay empty (case lists are not measured).
func SeedAnalysis(ctx context.Context, db *sqlstore.DB, n int, progress io.Writer) (*AnalysisFixture, error) {
	start := time.Now()
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format, a...)
		}
	}
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i*7 + 3)
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return nil, err
	}
	if _, err := demo.Build(ctx, db, sealer, demo.Options{Password: "bench-pass", PasswordHash: "x", Now: EvalNow, Cases: 0}); err != nil {
		return nil, fmt.Errorf("build the organisation: %w", err)
	}
	cmt, err := db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	if err != nil {
		return nil, err
	}
	// Rooms: the demo's, then made-up ids up to anaRooms (the rollups do not
	// need the rows; the heat-map names them "工作室 N").
	var rooms []int64
	units, err := db.ListOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.ParentID == cmt.ID && (u.Kind == domain.OrgOfficeRoom || u.Kind == domain.OrgEnterpriseRoom) {
			rooms = append(rooms, u.ID)
		}
	}
	for id := int64(100000); len(rooms) < anaRooms; id++ {
		rooms = append(rooms, id)
	}
	rng := rand.New(rand.NewPCG(20261120, 38))
	// Zipf weights for merchants: a few gyms and platforms draw hundreds.
	cum := make([]float64, anaMerchants)
	total := 0.0
	for i := range cum {
		total += 1 / math.Pow(float64(i+1), 0.9)
		cum[i] = total
	}
	pick := func() int {
		x := rng.Float64() * total
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	chTotal := 0
	for _, c := range anaChannels {
		chTotal += c.weight
	}
	type aKey struct {
		day            string
		room           int64
		channel, cat   string
		merchant, strt string
	}
	type mKey struct {
		month          string
		room           int64
		merchant, strt string
	}
	type eKey struct {
		day          string
		room         int64
		cat, channel string
	}
	aDay := map[aKey][2]int64{}
	aMonth := map[mKey][2]int64{}
	counters := []string{"received", "claim_fen", "closed_accepted", "out_agreed", "out_not_agreed", "performed", "followed", "recovered_fen", "overdue_open"}
	eDay := map[eKey][]int64{}
	first := calendar.DateOf(EvalNow).AddDays(-3 * 365)
	days := calendar.DateOf(EvalNow).Sub(first)
	bump := func(k eKey, c int, v int64) {
		row := eDay[k]
		if row == nil {
			row = make([]int64, len(counters))
			eDay[k] = row
		}
		row[c] += v
	}
	for i := 0; i < n; i++ {
		// Busier on weekdays and towards the end (the district grows).
		var d calendar.Date
		for {
			d = first.AddDays(int(math.Sqrt(rng.Float64()) * float64(days)))
			if wd := d.Weekday(); (wd != time.Saturday && wd != time.Sunday) || rng.IntN(3) == 0 {
				break
			}
		}
		m := pick()
		street := fmt.Sprintf("街镇%02d", m%anaStreets)
		if m%97 == 0 {
			street = "" // address names no registered street
		}
		room := rooms[(m*7+int(d.Month))%len(rooms)%anaRooms]
		cat := anaCategories[(m+rng.IntN(3))%len(anaCategories)]
		x := rng.IntN(chTotal)
		ch := anaChannels[0].ch
		for _, c := range anaChannels {
			if x < c.weight {
				ch = c.ch
				break
			}
			x -= c.weight
		}
		fen := int64(5000 + rng.IntN(500000))
		day := d.String()
		ak := aKey{day, room, string(ch), cat, fmt.Sprintf("%d", m+1), street}
		v := aDay[ak]
		aDay[ak] = [2]int64{v[0] + 1, v[1] + fen}
		mk := mKey{day[:7], room, fmt.Sprintf("%d", m+1), street}
		v = aMonth[mk]
		aMonth[mk] = [2]int64{v[0] + 1, v[1] + fen}
		ek := eKey{day, room, cat, string(ch)}
		bump(ek, 0, 1)
		bump(ek, 1, fen)
		// Closed some weeks later (in the rollup of that day): the funnel.
		cd := d.AddDays(7 + rng.IntN(50))
		if cd.After(calendar.DateOf(EvalNow)) {
			continue
		}
		ck := eKey{cd.String(), room, cat, string(ch)}
		bump(ck, 2, 1)
		if rng.IntN(10) < 9 {
			bump(ck, 3, 1)
			if rng.IntN(10) < 8 {
				bump(ck, 5, 1)
				bump(ck, 7, fen*int64(5+rng.IntN(5))/10)
			}
			if rng.IntN(10) < 7 {
				bump(ck, 6, 1)
			}
		} else {
			bump(ck, 4, 1)
		}
		if cd.Sub(d) > 45 { // overdue from the 46th day until closure
			bump(eKey{d.AddDays(46).String(), room, cat, string(ch)}, 8, 1)
			bump(ck, 8, -1)
		}
	}
	say("  %s: %d cases drawn in %.1f s; writing rollups…\n", db.Dialect(), n, time.Since(start).Seconds())
	f := &AnalysisFixture{DB: db, Cases: n, Rows: map[string]int{}}
	w := db.Writer()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ins := newBulk(tx, db.Dialect())
	for k, v := range aDay {
		if err := ins.add(ctx, "analysis_day", "day, committee_id, room_id, channel, category, merchant_key, street, received, claim_fen",
			k.day, cmt.ID, k.room, k.channel, k.cat, k.merchant, k.strt, v[0], v[1]); err != nil {
			return nil, err
		}
	}
	for k, v := range aMonth {
		if err := ins.add(ctx, "analysis_month", "month, committee_id, room_id, merchant_key, street, received, claim_fen",
			k.month, cmt.ID, k.room, k.merchant, k.strt, v[0], v[1]); err != nil {
			return nil, err
		}
	}
	cols := strings.Join(counters, ", ")
	unit := map[[2]string][]int64{}
	month := map[[2]string][]int64{}
	add := func(m map[[2]string][]int64, k [2]string, row []int64) {
		t := m[k]
		if t == nil {
			t = make([]int64, len(counters))
			m[k] = t
		}
		for i, v := range row {
			t[i] += v
		}
	}
	monthDim := map[eKey][]int64{}
	for k, row := range eDay {
		args := []any{k.day, cmt.ID, k.room, k.room, k.cat, k.channel}
		for _, v := range row {
			args = append(args, v)
		}
		if err := ins.add(ctx, "eval_day", "day, committee_id, room_id, mediator_id, category, channel, "+cols, args...); err != nil {
			return nil, err
		}
		r := fmt.Sprint(k.room)
		add(unit, [2]string{k.day, r}, row)
		add(month, [2]string{k.day[:7], r}, row)
		mk := eKey{k.day[:7], k.room, k.cat, k.channel}
		t := monthDim[mk]
		if t == nil {
			t = make([]int64, len(counters))
			monthDim[mk] = t
		}
		for i, v := range row {
			t[i] += v
		}
	}
	for k, row := range monthDim {
		args := []any{k.day, cmt.ID, k.room, k.room, k.cat, k.channel}
		for _, v := range row {
			args = append(args, v)
		}
		if err := ins.add(ctx, "eval_month_dim", "month, committee_id, room_id, mediator_id, category, channel, "+cols, args...); err != nil {
			return nil, err
		}
	}
	for table, m := range map[string]map[[2]string][]int64{"eval_day_unit": unit, "eval_month": month} {
		period := "day"
		if table == "eval_month" {
			period = "month"
		}
		for k, row := range m {
			var room int64
			fmt.Sscan(k[1], &room)
			args := []any{k[0], cmt.ID, room, room}
			for _, v := range row {
				args = append(args, v)
			}
			if err := ins.add(ctx, table, period+", committee_id, room_id, mediator_id, "+cols, args...); err != nil {
				return nil, err
			}
		}
	}
	if err := ins.flush(ctx); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, sqlstore.EvalRunningFill); err != nil {
		return nil, fmt.Errorf("running sums: %w", err)
	}
	// The subject rollups from the day rows, as migration 52 fills them.
	if _, err := tx.ExecContext(ctx, subjectDayFill); err != nil {
		return nil, fmt.Errorf("subject days: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO analysis_subject_month (committee_id, kind, channel, subject, month, received, claim_fen)
		SELECT committee_id, kind, channel, subject, substr(day, 1, 7), SUM(received), SUM(claim_fen) FROM analysis_subject_day
		GROUP BY committee_id, kind, channel, subject, substr(day, 1, 7)`); err != nil {
		return nil, fmt.Errorf("subject months: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	f.Rows = ins.rows
	if db.Dialect() == "sqlite" {
		// What SQLite's automatic checkpoints do after a bulk load: reads
		// stop consulting a write-ahead log of hundreds of megabytes.
		if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
	}
	if db.Dialect() == "postgres" {
		// What autovacuum does after a bulk load: statistics, and the
		// visibility map index-only scans need.
		if _, err := w.ExecContext(ctx, `VACUUM ANALYZE analysis_day, analysis_month, analysis_subject_day, analysis_subject_month, eval_day, eval_day_unit, eval_month, eval_month_dim`); err != nil {
			return nil, fmt.Errorf("vacuum: %w", err)
		}
	}
	f.Seeded = time.Since(start)
	say("  %s: rollups written in %.1f s: %v\n", db.Dialect(), f.Seeded.Seconds(), f.Rows)
	f.serve(cmt)
	return f, nil
}

// subjectDayFill sums the day rows into analysis_subject_day: merchants,
// streets and categories, all channels ("") and each channel.
const subjectDayFill = `INSERT INTO analysis_subject_day (committee_id, kind, channel, subject, day, received, claim_fen)
SELECT committee_id, 'merchant', '', merchant_key, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, merchant_key, day
UNION ALL
SELECT committee_id, 'merchant', channel, merchant_key, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, merchant_key, day
UNION ALL
SELECT committee_id, 'street', '', street, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, street, day
UNION ALL
SELECT committee_id, 'street', channel, street, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, street, day
UNION ALL
SELECT committee_id, 'category', '', category, day, SUM(received), SUM(claim_fen) FROM analysis_day GROUP BY committee_id, category, day
UNION ALL
SELECT committee_id, 'category', channel, category, day, SUM(received), SUM(claim_fen) FROM analysis_day WHERE channel <> '' GROUP BY committee_id, channel, category, day`

// serve points the fixture's service at its database, as the committee's director.
func (f *AnalysisFixture) serve(cmt store.OrgUnit) {
	f.Director = &auth.Principal{DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
	now := func() time.Time { return EvalNow }
	f.Service = &analysis.Service{Store: f.DB, Scorecard: &scorecard.Service{Store: f.DB, Now: now}, Now: now}
}

// OpenAnalysis is SeedAnalysis, except that a database an earlier run
// seeded is used as it is (seeding a million cases takes minutes).
func OpenAnalysis(ctx context.Context, db *sqlstore.DB, n int, progress io.Writer) (*AnalysisFixture, error) {
	var rows int
	if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM analysis_month`).Scan(&rows); err != nil {
		return nil, fmt.Errorf("look for earlier seeding: %w", err)
	}
	if rows == 0 {
		return SeedAnalysis(ctx, db, n, progress)
	}
	cmt, err := db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	if err != nil {
		return nil, fmt.Errorf("reuse the seeded database: %w", err)
	}
	var cases int
	if err := db.Writer().QueryRowContext(ctx, `SELECT COALESCE(SUM(received), 0) FROM analysis_month`).Scan(&cases); err != nil {
		return nil, err
	}
	if progress != nil {
		fmt.Fprintf(progress, "  %s: reusing %d seeded cases\n", db.Dialect(), cases)
	}
	f := &AnalysisFixture{DB: db, Cases: cases, Rows: map[string]int{}}
	f.serve(cmt)
	return f, nil
}

// bulk batches multi-row inserts per table.
type bulk struct {
	tx      *sql.Tx
	qmarks  bool
	pending map[string]*bulkTable
	rows    map[string]int
}

type bulkTable struct {
	cols string
	n    int
	args []any
}

func newBulk(tx *sql.Tx, dialect string) *bulk {
	return &bulk{tx: tx, qmarks: dialect == "sqlite", pending: map[string]*bulkTable{}, rows: map[string]int{}}
}

const bulkRows = 400

func (b *bulk) add(ctx context.Context, table, cols string, args ...any) error {
	t := b.pending[table]
	if t == nil {
		t = &bulkTable{cols: cols}
		b.pending[table] = t
	}
	t.n++
	t.args = append(t.args, args...)
	b.rows[table]++
	if t.n >= bulkRows {
		return b.write(ctx, table, t)
	}
	return nil
}

func (b *bulk) write(ctx context.Context, table string, t *bulkTable) error {
	if t.n == 0 {
		return nil
	}
	per := len(t.args) / t.n
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, t.cols)
	k := 0
	for r := 0; r < t.n; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := 0; c < per; c++ {
			if c > 0 {
				sb.WriteString(", ")
			}
			k++
			if b.qmarks {
				sb.WriteByte('?')
			} else {
				fmt.Fprintf(&sb, "$%d", k)
			}
		}
		sb.WriteByte(')')
	}
	if _, err := b.tx.ExecContext(ctx, sb.String(), t.args...); err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	t.n, t.args = 0, t.args[:0]
	return nil
}

func (b *bulk) flush(ctx context.Context) error {
	for table, t := range b.pending {
		if err := b.write(ctx, table, t); err != nil {
			return err
		}
	}
	return nil
}

// AnalysisQueries are the measured questions: the hot lists over the
// default 30 days and over a year, and the whole dashboard over its default
// 90 days, unfiltered and filtered by channel.
func (f *AnalysisFixture) AnalysisQueries() []struct {
	Name string
	Run  func(ctx context.Context) error
} {
	today := calendar.DateOf(EvalNow)
	d30, d90, y1 := today.AddDays(-29).String(), today.AddDays(-89).String(), today.AddDays(-364).String()
	to := today.String()
	hot := func(by, from string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			_, hl, err := f.Service.Hotspots(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: from, To: to}, by, "count", 20)
			if err == nil && len(hl.Rows) == 0 {
				err = fmt.Errorf("empty hot list by %s", by)
			}
			return err
		}
	}
	dash := func(from, channel string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			d, err := f.Service.Dashboard(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: from, To: to, Channel: channel})
			if err == nil && d.Intake.Total == 0 {
				err = fmt.Errorf("empty dashboard")
			}
			return err
		}
	}
	return []struct {
		Name string
		Run  func(ctx context.Context) error
	}{
		{"hotspots merchant 30d", hot("merchant", d30)},
		{"hotspots street 30d", hot("street", d30)},
		{"hotspots category 30d", hot("category", d30)},
		{"hotspots merchant 1y", hot("merchant", y1)},
		{"hotspots merchant 30d channel=12315", func(ctx context.Context) error {
			_, hl, err := f.Service.Hotspots(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d30, To: to, Channel: "12315"}, "merchant", "count", 20)
			if err == nil && len(hl.Rows) == 0 {
				err = fmt.Errorf("empty hot list by merchant, 12315")
			}
			return err
		}},
		// Each chart of the 90-day dashboard as the API serves it
		// (/api/v1/analysis/…), then the whole page, which asks them all.
		{"chart merchants by growth 90d", func(ctx context.Context) error {
			_, hl, err := f.Service.Hotspots(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to}, "merchant", "growth", 10)
			if err == nil && len(hl.Rows) == 0 {
				err = fmt.Errorf("empty growth list")
			}
			return err
		}},
		{"chart daily intake 90d", func(ctx context.Context) error {
			_, in, err := f.Service.Intake(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to})
			if err == nil && in.Total == 0 {
				err = fmt.Errorf("empty intake")
			}
			return err
		}},
		{"chart funnel 90d", func(ctx context.Context) error {
			_, _, err := f.Service.Funnel(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to})
			return err
		}},
		{"chart overdue heat-map 90d", func(ctx context.Context) error {
			_, _, err := f.Service.Overdue(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to})
			return err
		}},
		{"chart amounts 90d", func(ctx context.Context) error {
			_, _, err := f.Service.Amounts(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to})
			return err
		}},
		{"chart surges 90d", func(ctx context.Context) error {
			_, _, err := f.Service.Surges(ctx, f.Director, analysis.Filter{Unit: demo.CodeCommittee, From: d90, To: to})
			return err
		}},
		{"dashboard 90d", dash(d90, "")},
		{"dashboard 90d channel=12315", dash(d90, "12315")},
	}
}

// Spread times one query reps times (after a warm-up).
func Spread(ctx context.Context, name string, reps int, run func(context.Context) error) (Latency, error) {
	if err := run(ctx); err != nil {
		return Latency{}, err
	}
	ds := make([]time.Duration, 0, reps)
	for i := 0; i < reps; i++ {
		t := time.Now()
		if err := run(ctx); err != nil {
			return Latency{}, err
		}
		ds = append(ds, time.Since(t))
	}
	return spread(name, ds), nil
}

// SpreadOf is the nearest-rank percentiles of timings taken elsewhere.
func SpreadOf(name string, ds []time.Duration) Latency { return spread(name, ds) }
