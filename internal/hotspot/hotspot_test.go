package hotspot

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestParsePeriod(t *testing.T) {
	today := d("2026-03-15")
	cases := []struct {
		from, to   string
		want       string // "from..to" or the field and a piece of the message
		defaultLen int
	}{
		{"", "", "2026-02-14..2026-03-15", 30},
		{"", "", "2026-03-15..2026-03-15", 1},
		{"2026-01-01", "2026-01-31", "2026-01-01..2026-01-31", 30},
		{"2026-03-01", "2026-04-30", "2026-03-01..2026-03-15", 30}, // cut back to today
		{"2026-03-15", "2026-03-15", "2026-03-15..2026-03-15", 30},
		{"2026-01-01", "", "to:结束日期不能为空", 30},
		{"", "2026-01-01", "from:开始日期不能为空", 30},
		{"2026-02-30", "2026-03-01", "from:不是有效日期", 30},
		{"20260101", "2026-03-01", "from:YYYY-MM-DD", 30},
		{"2026-1-1", "2026-03-01", "from:不是有效日期", 30},
		{"2026-03-02", "2026-03-01", "from:晚于", 30},
		{"2026-03-16", "2026-04-01", "from:未来", 30},
		{"2020-01-01", "2026-03-01", "to:五年", 30},
		{" 2026-01-01 ", "2026-01-02", "2026-01-01..2026-01-02", 30},
	}
	for _, c := range cases {
		p, errs := ParsePeriod(c.from, c.to, today, c.defaultLen)
		got := p.From.String() + ".." + p.To.String()
		if len(errs) > 0 {
			got = errs[0].Field + ":" + errs[0].Message
		}
		field, msg, isErr := strings.Cut(c.want, ":")
		if isErr {
			if len(errs) == 0 || errs[0].Field != field || !strings.Contains(errs[0].Message, msg) {
				t.Errorf("ParsePeriod(%q, %q) = %s, want error on %s with %q", c.from, c.to, got, field, msg)
			}
			continue
		}
		if got != c.want {
			t.Errorf("ParsePeriod(%q, %q) = %s, want %s", c.from, c.to, got, c.want)
		}
	}
}

func TestWindows(t *testing.T) {
	cases := []struct{ from, to, prev, year string }{
		{"2026-03-01", "2026-03-31", "2026-01-29..2026-02-28", "2025-03-01..2025-03-31"},
		{"2026-03-15", "2026-03-15", "2026-03-14..2026-03-14", "2025-03-15..2025-03-15"},
		{"2024-02-01", "2024-02-29", "2024-01-03..2024-01-31", "2023-02-01..2023-02-28"}, // leap day
		{"2024-02-29", "2024-03-06", "2024-02-22..2024-02-28", "2023-02-28..2023-03-06"},
		{"2026-01-01", "2026-12-31", "2025-01-01..2025-12-31", "2025-01-01..2025-12-31"},
		{"2026-01-01", "2026-01-07", "2025-12-25..2025-12-31", "2025-01-01..2025-01-07"}, // across the year
	}
	for _, c := range cases {
		p := Period{From: d(c.from), To: d(c.to)}
		pr, ly := Previous(p), LastYear(p)
		if got := pr.From.String() + ".." + pr.To.String(); got != c.prev {
			t.Errorf("Previous(%s..%s) = %s, want %s", c.from, c.to, got, c.prev)
		}
		if pr.Days() != p.Days() {
			t.Errorf("Previous(%s..%s) has %d days, want %d", c.from, c.to, pr.Days(), p.Days())
		}
		if got := ly.From.String() + ".." + ly.To.String(); got != c.year {
			t.Errorf("LastYear(%s..%s) = %s, want %s", c.from, c.to, got, c.year)
		}
	}
}

func TestGrowth(t *testing.T) {
	cases := []struct {
		now, base int64
		want      string
	}{
		{10, 0, "—"}, {0, 0, "—"}, {10, 10, "+0.0%"}, {15, 10, "+50.0%"}, {5, 10, "-50.0%"},
		{0, 4, "-100.0%"}, {1, 3, "-66.7%"}, {4, 3, "+33.3%"}, {300, 1, "+29900.0%"},
	}
	for _, c := range cases {
		if got := FormatGrowth(Growth(c.now, c.base)); got != c.want {
			t.Errorf("Growth(%d, %d) = %s, want %s", c.now, c.base, got, c.want)
		}
	}
}

func TestGrowthFloor(t *testing.T) {
	for _, c := range []struct{ total, want int64 }{{0, 3}, {2999, 3}, {3000, 3}, {3001, 4}, {40000, 40}, {40001, 41}} {
		if got := GrowthFloor(c.total); got != c.want {
			t.Errorf("GrowthFloor(%d) = %d, want %d", c.total, got, c.want)
		}
	}
}

func TestRank(t *testing.T) {
	rows := []Row{
		{Key: "a", Count: 10, Prev: 5, LastYear: 0},
		{Key: "b", Count: 10, Prev: 5, LastYear: 10},
		{Key: "c", Count: 12, Prev: 12},
		{Key: "d", Count: 4, Prev: 0},
		{Key: "e", Count: 2, Prev: 1},
		{Key: "f", Count: 0, Prev: 9},
		{Key: "g", Count: 3, Prev: 1},
		{Key: "h", Count: 5, Prev: 0},
	}
	Fill(rows)
	show := func(rs []Row) string {
		var b []string
		for _, r := range rs {
			b = append(b, fmt.Sprintf("%d%s", r.Rank, r.Key))
		}
		return strings.Join(b, " ")
	}
	// By count: ties on count broken by growth; a and b tie on both (shared rank).
	if got, want := show(Rank(rows, ByCount, MinForGrowth, 0)), "1c 2a 2b 4h 5d 6g 7e"; got != want {
		t.Errorf("by count: %s, want %s", got, want)
	}
	if got, want := show(Rank(rows, ByCount, MinForGrowth, 3)), "1c 2a 2b"; got != want {
		t.Errorf("by count, top 3: %s, want %s", got, want)
	}
	// By growth: g (+200%), a and b (+100%), c (0%), then the new ones by count; e too few.
	if got, want := show(Rank(rows, ByGrowth, MinForGrowth, 0)), "1g 2a 2b 4c 5h 6d"; got != want {
		t.Errorf("by growth: %s, want %s", got, want)
	}
	// A higher floor (a busy period) leaves out g (3) and d (4).
	if got, want := show(Rank(rows, ByGrowth, 5, 0)), "1a 1b 3c 4h"; got != want {
		t.Errorf("by growth, floor 5: %s, want %s", got, want)
	}
	if rows[0].GrowthYear != nil || rows[1].GrowthYear == nil || *rows[1].GrowthYear != 0 {
		t.Errorf("growth against last year: %v %v", rows[0].GrowthYear, rows[1].GrowthYear)
	}
	if got := Rank(nil, ByCount, MinForGrowth, 5); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
}

func TestMovingAverage(t *testing.T) {
	s := []int64{7, 0, 0, 0, 0, 0, 0, 7, 14}
	ma := MovingAverage(s, 7)
	var got []string
	for _, m := range ma {
		if m == nil {
			got = append(got, "-")
		} else {
			got = append(got, fmt.Sprint(*m))
		}
	}
	if want := "- - - - - - 1 1 3"; strings.Join(got, " ") != want {
		t.Errorf("MA7 = %s, want %s", strings.Join(got, " "), want)
	}
	if ma := MovingAverage([]int64{1, 2}, 3); ma[0] != nil || ma[1] != nil {
		t.Error("too short a series has no average")
	}
	if ma := MovingAverage([]int64{1, 2}, 1); *ma[0] != 1 || *ma[1] != 2 {
		t.Error("MA1 is the series")
	}
	if ma := MovingAverage([]int64{1, 1, 2}, 3); *ma[2] != 1.33 {
		t.Errorf("rounded: %v", *ma[2])
	}
}

func TestWeeksAndMonths(t *testing.T) {
	// 2026-03-04 is a Wednesday.
	ws := Weeks(Period{From: d("2026-03-04"), To: d("2026-03-20")})
	var got []string
	for _, w := range ws {
		got = append(got, w.From.String()[5:]+"~"+w.To.String()[5:])
	}
	if want := "03-04~03-08 03-09~03-15 03-16~03-20"; strings.Join(got, " ") != want {
		t.Errorf("weeks = %s, want %s", strings.Join(got, " "), want)
	}
	if ws := Weeks(Period{From: d("2026-03-08"), To: d("2026-03-08")}); len(ws) != 1 || ws[0].To != d("2026-03-08") {
		t.Errorf("a Sunday alone: %+v", ws)
	}
	if ws := Weeks(Period{From: d("2026-03-09"), To: d("2026-03-15")}); len(ws) != 1 || ws[0].Label() != "03-09" {
		t.Errorf("one whole week: %+v", ws)
	}
	ms := Months(Period{From: d("2025-11-30"), To: d("2026-02-01")})
	if len(ms) != 4 || ms[0] != d("2025-11-01") || ms[3] != d("2026-02-01") {
		t.Errorf("months = %v", ms)
	}
}

func TestMerchantKey(t *testing.T) {
	cases := []struct {
		id   int64
		name string
		key  string
	}{
		{12, "某某健身", "12"}, {0, " 某某 健身 ", "n:某某健身"}, {0, "", ""}, {0, "  ", ""}, {7, "", "7"},
	}
	for _, c := range cases {
		k := MerchantKey(c.id, c.name)
		if k != c.key {
			t.Errorf("MerchantKey(%d, %q) = %q, want %q", c.id, c.name, k, c.key)
		}
		id, name := MerchantOf(k)
		if k != "" && (id != c.id || c.id == 0 && name != strings.Join(strings.Fields(c.name), "")) {
			t.Errorf("MerchantOf(%q) = %d %q", k, id, name)
		}
	}
}

func TestCounted(t *testing.T) {
	cases := []struct {
		events []string
		want   bool
	}{
		{[]string{"received"}, true},
		{[]string{"received", "merge"}, false},
		{[]string{"received", "accept", "reach_agreement", "merge"}, true}, // closed first by the agreement
		{[]string{"received", "reject"}, true},
		{[]string{"received", "note", "merge", "withdraw"}, false},
		{nil, true},
	}
	for _, c := range cases {
		if got := Counted(c.events); got != c.want {
			t.Errorf("Counted(%v) = %v, want %v", c.events, got, c.want)
		}
	}
}

func TestStages(t *testing.T) {
	tally := map[string]int64{"received": 20, "closed_accepted": 12, "out_agreed": 8, "out_not_agreed": 2, "performed": 6, "followed": 5}
	var got []string
	for _, s := range Stages {
		got = append(got, fmt.Sprintf("%s%d", s.Name, s.Value(tally)))
	}
	if want := "收到20 受理12 调解10 协议8 履行6 回访5"; strings.Join(got, " ") != want {
		t.Errorf("funnel = %s, want %s", strings.Join(got, " "), want)
	}
	if _, ok := StageByCode("nope"); ok {
		t.Error("unknown stage found")
	}
	if s, ok := StageByCode(StageAgreed); !ok || s.Name != "协议" {
		t.Errorf("stage agreed: %+v", s)
	}
}

// A hot list built from the candidates alone is the list built from every
// subject, whatever the counts, the previous windows and the list's length:
// the subjects left out could never have been shown.
func TestCandidatesKeepTheList(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 15))
	show := func(rs []Row) string {
		var b []string
		for _, r := range rs {
			b = append(b, fmt.Sprintf("%d%s", r.Rank, r.Key))
		}
		return strings.Join(b, " ")
	}
	for trial := 0; trial < 2000; trial++ {
		n := 1 + rng.IntN(40)
		counts := map[string][2]int64{}
		var all []Row
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("m%02d", i)
			c, p := int64(rng.IntN(8)), int64(rng.IntN(8))
			if c > 0 {
				counts[k] = [2]int64{c, 0}
			}
			all = append(all, Row{Key: k, Count: c, Prev: p, LastYear: int64(rng.IntN(3))})
		}
		Fill(all)
		want := rng.IntN(12)
		for _, floor := range []int64{0, MinForGrowth, 1 + int64(rng.IntN(6))} {
			growth := floor > 0
			keys := Candidates(counts, want, floor)
			var some []Row
			for _, r := range all {
				if slices.Contains(keys, r.Key) {
					some = append(some, r)
				}
			}
			orders := []string{ByCount}
			if growth {
				orders = append(orders, ByGrowth)
			}
			for _, order := range orders {
				if got, full := show(Rank(some, order, floor, want)), show(Rank(all, order, floor, want)); got != full {
					t.Fatalf("trial %d, %s top %d: from candidates %q, from all %q (candidates %v)", trial, order, want, got, full, keys)
				}
			}
		}
	}
}
