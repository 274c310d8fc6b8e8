package demo

import (
	"math"
	"math/rand/v2"
	"time"
)

// profile is how one mediator works, so the demo's performance figures
// (docs/evaluation.md) differ between mediators the way they would in a
// committee: some are quick and thorough, some slow, some let the paperwork
// slip. Shares are probabilities per case.
type profile struct {
	lateAccept float64 // decisions after the 7-working-day acceptance limit
	lateEntry  float64 // walk-in and phone complaints registered days after they came in
	pace       float64 // multiplies how long mediation takes
	overdue    float64 // mediations that drag past the 45-working-day limit
	success    float64 // mediations that end in an agreement
	unpaid     float64 // agreements the merchant does not fully perform
	noFollowUp float64 // agreed cases never followed up
	followDays [2]int  // working days from performance to the follow-up call
	// satisfaction weighs the follow-up's 5, 4, 3, 2 and 1 points.
	satisfaction [5]int
	unfiled      float64 // closed cases whose file is never completed (not archived)
	fileDays     [2]int  // working days from the end of handling to archiving
	praise       float64 // multiplies the chance of a 锦旗 or 感谢信
	// trend is how much the mediator improves (+) or slips (−) over the
	// three years of history, −1..1.
	trend float64
}

// archetypes of mediators; each demo mediator is one of them, varied.
var (
	exemplary  = profile{0.01, 0.03, 0.7, 0.01, 0.955, 0.01, 0.01, [2]int{3, 8}, [5]int{70, 25, 4, 1, 0}, 0.01, [2]int{10, 25}, 2.5, 0}
	steady     = profile{0.03, 0.07, 1.0, 0.04, 0.915, 0.02, 0.03, [2]int{3, 13}, [5]int{55, 35, 7, 2, 1}, 0.03, [2]int{15, 35}, 1, 0}
	slow       = profile{0.06, 0.08, 1.5, 0.16, 0.90, 0.03, 0.05, [2]int{5, 25}, [5]int{48, 38, 10, 3, 1}, 0.04, [2]int{20, 45}, 0.8, 0}
	careless   = profile{0.05, 0.35, 1.0, 0.06, 0.89, 0.03, 0.15, [2]int{10, 50}, [5]int{45, 38, 12, 3, 2}, 0.14, [2]int{30, 60}, 0.5, 0}
	tough      = profile{0.03, 0.05, 1.2, 0.07, 0.82, 0.06, 0.03, [2]int{3, 13}, [5]int{38, 40, 14, 5, 3}, 0.04, [2]int{15, 35}, 0.5, 0}
	overloaded = profile{0.13, 0.16, 1.2, 0.11, 0.88, 0.04, 0.08, [2]int{8, 35}, [5]int{42, 40, 12, 4, 2}, 0.07, [2]int{25, 50}, 0.7, 0}
)

// mediatorArchetypes gives mediator01 … mediator47 their archetype.
// mediator01, the demo's main account, is steady but not the best, so "我的绩效" has something to show.
var mediatorArchetypes = [NumMediators]*profile{
	&steady, &slow, &exemplary, &steady, &careless, &steady, &tough, &exemplary, &overloaded, &steady,
	&slow, &steady, &exemplary, &careless, &steady, &tough, &steady, &overloaded, &exemplary, &slow,
	&steady, &steady, &careless, &exemplary, &tough, &steady, &slow, &overloaded, &steady, &exemplary,
	&steady, &careless, &slow, &tough, &steady, &exemplary, &overloaded, &steady, &slow, &careless,
	&tough, &exemplary, &steady, &overloaded, &slow, &steady, &steady,
}

// mediatorProfile is mediator number k's (1-based) profile: the archetype,
// each share varied by up to a quarter, and a trend. It depends on k only,
// so cases added later find the same people.
func mediatorProfile(k int) profile {
	p := steady
	if k >= 1 && k <= NumMediators {
		p = *mediatorArchetypes[k-1]
	}
	r := newRand(poolSeed, 300+uint64(k))
	vary := func(x float64) float64 { return x * (0.75 + 0.5*r.Float64()) }
	p.lateAccept, p.lateEntry, p.overdue = vary(p.lateAccept), vary(p.lateEntry), vary(p.overdue)
	p.unpaid, p.noFollowUp, p.unfiled = vary(p.unpaid), vary(p.noFollowUp), vary(p.unfiled)
	p.pace, p.praise = vary(p.pace), vary(p.praise)
	p.success = math.Min(0.985, p.success+0.03*(r.Float64()-0.5))
	p.trend = 1.2 * (r.Float64() - 0.5)
	return p
}

// at is the profile as it stands at a point of the history: frac is how far
// through the three years (0..1), month the calendar month. Year-end sales
// and the Spring Festival bring more complaints and less time for each.
func (p profile) at(frac float64, month time.Month) profile {
	worse := 1 - p.trend*(frac-0.5)*1.4 // a mediator who improves is worse early on
	stress := 1.0
	switch month {
	case time.November, time.December, time.January:
		stress = 1.5
	case time.February:
		stress = 1.3
	}
	q := p
	q.lateAccept *= worse * stress
	q.lateEntry *= worse * stress
	q.overdue *= worse * stress
	q.noFollowUp *= worse
	q.unfiled *= worse
	q.success = math.Min(0.985, p.success+0.03*p.trend*(frac-0.5))
	return q
}

// chance reports whether an event of probability x happens.
func chance(r *rand.Rand, x float64) bool { return r.Float64() < x }
