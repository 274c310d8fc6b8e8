// Package assignment designates the mediators of a case (指派): it filters
// a room's mediators (on duty, under the capacity cap), chooses one by the
// room's rule (least-loaded or round-robin), and records manual assignments
// and claims under the case's version lock.
package assignment

import "slices"

// Candidate is a mediator who might take a case.
type Candidate struct {
	UserID  int64
	Name    string
	Load    int  // open cases presided over
	OnLeave bool // on the duty roster's leave list today
}

// Choosers are the room settings' rules.
const (
	LeastLoaded = "least_loaded"
	RoundRobin  = "round_robin"
)

// Eligible keeps candidates on duty and under capacity, ordered by user id.
func Eligible(cs []Candidate, capacity int) []Candidate {
	var out []Candidate
	for _, c := range cs {
		if !c.OnLeave && c.Load < capacity {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int { return int(a.UserID - b.UserID) })
	return out
}

// Choose picks from eligible candidates: least-loaded (ties to the lowest
// id), or round-robin by the case's sequence number so that consecutive
// cases go to consecutive mediators.
func Choose(eligible []Candidate, chooser string, seq int64) (Candidate, bool) {
	if len(eligible) == 0 {
		return Candidate{}, false
	}
	if chooser == RoundRobin {
		return eligible[int(seq%int64(len(eligible)))], true
	}
	best := eligible[0]
	for _, c := range eligible[1:] {
		if c.Load < best.Load {
			best = c
		}
	}
	return best, true
}
