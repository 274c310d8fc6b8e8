package evaluation

import (
	"cmp"
	"math"
	"slices"
)

// Subject is whose figures a row holds: a mediator, a room or a committee.
type Subject struct {
	Kind string // mediator | room | committee
	ID   int64
	Name string
}

// Row is one subject's result as the ranking sees it.
type Row struct {
	Subject Subject
	Total   float64
	Band    string
	Cases   int  // Result.Cases
	Scored  bool // Result.Scored
}

// Ranked is a row with its place. Rank is 0 when the subject is not
// ranked; Reason then says why.
type Ranked struct {
	Row
	Rank   int
	Reason string
}

// Ranking is every row in order (ranked first), the red list (红榜) and the
// black list (黑榜).
type Ranking struct {
	Rows  []Ranked
	Red   []Ranked // rank ≤ 5, best first
	Black []Ranked // the five lowest places not on the red list, worst first
}

// ListSize is how many places each list shows.
const ListSize = 5

// key compares totals to the hundredth, as they are shown, so two totals
// that print alike share a rank.
func key(total float64) int64 { return int64(math.Round(total * 100)) }

// Rank orders rows by total, highest first. Ties share a rank and the next
// rank skips (1, 1, 3). A subject with fewer than minCases cases, or with
// nothing to score, is not ranked and is on neither list.
func Rank(rows []Row, minCases int) Ranking {
	var ranked, unranked []Ranked
	for _, r := range rows {
		switch {
		case !r.Scored:
			unranked = append(unranked, Ranked{Row: r, Reason: "本期没有可评估的案件"})
		case r.Cases < minCases:
			unranked = append(unranked, Ranked{Row: r, Reason: "案件数不足，不参加排名"})
		default:
			ranked = append(ranked, Ranked{Row: r})
		}
	}
	slices.SortStableFunc(ranked, func(a, b Ranked) int {
		if c := cmp.Compare(key(b.Total), key(a.Total)); c != 0 {
			return c
		}
		return cmp.Compare(a.Subject.ID, b.Subject.ID)
	})
	for i := range ranked {
		if i > 0 && key(ranked[i].Total) == key(ranked[i-1].Total) {
			ranked[i].Rank = ranked[i-1].Rank
		} else {
			ranked[i].Rank = i + 1
		}
	}
	slices.SortStableFunc(unranked, func(a, b Ranked) int { return cmp.Compare(a.Subject.ID, b.Subject.ID) })

	out := Ranking{Rows: append(append([]Ranked{}, ranked...), unranked...), Red: []Ranked{}, Black: []Ranked{}}
	for _, r := range ranked {
		if r.Rank <= ListSize {
			out.Red = append(out.Red, r)
		}
	}
	// The place from the bottom: 1 + how many ranked subjects scored lower.
	for i := len(ranked) - 1; i >= 0; i-- {
		r := ranked[i]
		if r.Rank <= ListSize {
			continue
		}
		lower := 0
		for _, o := range ranked {
			if key(o.Total) < key(r.Total) {
				lower++
			}
		}
		if lower+1 <= ListSize {
			out.Black = append(out.Black, r)
		}
	}
	return out
}
