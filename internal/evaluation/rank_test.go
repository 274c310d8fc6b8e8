package evaluation

import (
	"fmt"
	"testing"
)

func row(id int64, total float64, cases int) Row {
	return Row{Subject: Subject{Kind: "mediator", ID: id, Name: fmt.Sprintf("调解员%d", id)}, Total: total, Cases: cases, Scored: true}
}

type place struct {
	id   int64
	rank int
}

func places(rs []Ranked) []place {
	out := []place{}
	for _, r := range rs {
		out = append(out, place{r.Subject.ID, r.Rank})
	}
	return out
}

func samePlaces(t *testing.T, what string, got []Ranked, want []place) {
	t.Helper()
	if fmt.Sprint(places(got)) != fmt.Sprint(want) {
		t.Errorf("%s: %v, want %v", what, places(got), want)
	}
}

func TestRank(t *testing.T) {
	cases := []struct {
		name       string
		rows       []Row
		min        int
		all        []place
		red, black []place
	}{
		{"twelve subjects, ties share a rank and the next skips",
			[]Row{row(1, 95, 10), row(2, 88, 10), row(3, 95, 10), row(4, 70, 10), row(5, 81, 10), row(6, 60, 10),
				row(7, 88, 10), row(8, 75, 10), row(9, 65, 10), row(10, 92, 10), row(11, 55, 10), row(12, 70, 10)},
			5,
			[]place{{1, 1}, {3, 1}, {10, 3}, {2, 4}, {7, 4}, {5, 6}, {8, 7}, {4, 8}, {12, 8}, {9, 10}, {6, 11}, {11, 12}},
			[]place{{1, 1}, {3, 1}, {10, 3}, {2, 4}, {7, 4}},
			[]place{{11, 12}, {6, 11}, {9, 10}, {12, 8}, {4, 8}}},
		{"a tie across the fifth place keeps both on the red list",
			[]Row{row(1, 99, 9), row(2, 98, 9), row(3, 97, 9), row(4, 96, 9), row(5, 90, 9), row(6, 90, 9), row(7, 80, 9)},
			1,
			[]place{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 5}, {7, 7}},
			[]place{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 5}},
			[]place{{7, 7}}},
		{"too few cases or nothing scored: unranked, on no list",
			[]Row{row(1, 100, 2), row(2, 60, 3), row(3, 80, 3), {Subject: Subject{ID: 4}, Cases: 9}},
			3,
			[]place{{3, 1}, {2, 2}, {1, 0}, {4, 0}},
			[]place{{3, 1}, {2, 2}},
			[]place{}},
		{"totals equal to the hundredth tie", []Row{row(1, 80.004, 5), row(2, 79.996, 5), row(3, 79.9, 5)}, 0,
			[]place{{1, 1}, {2, 1}, {3, 3}}, []place{{1, 1}, {2, 1}, {3, 3}}, []place{}},
		{"nobody", nil, 3, []place{}, []place{}, []place{}},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			r := Rank(cs.rows, cs.min)
			samePlaces(t, "rows", r.Rows, cs.all)
			samePlaces(t, "red", r.Red, cs.red)
			samePlaces(t, "black", r.Black, cs.black)
			for _, x := range r.Rows {
				if (x.Rank == 0) != (x.Reason != "") {
					t.Errorf("%d: rank %d reason %q", x.Subject.ID, x.Rank, x.Reason)
				}
			}
		})
	}
	r := Rank([]Row{row(1, 100, 2), {Subject: Subject{ID: 2}}}, 3)
	if r.Rows[0].Reason != "案件数不足，不参加排名" || r.Rows[1].Reason != "本期没有可评估的案件" {
		t.Errorf("reasons %q %q", r.Rows[0].Reason, r.Rows[1].Reason)
	}
}
