package evaluation

// ByPresiding groups facts by the presiding mediator at closure (or now,
// while open): a mediator answers for a case they took over by recusal or
// reassignment, and loses one they handed over; co-mediators get nothing.
// Cases without a presiding mediator are under key 0.
func ByPresiding(facts []Facts) map[int64][]Facts {
	out := map[int64][]Facts{}
	for _, f := range facts {
		out[f.PresidingID] = append(out[f.PresidingID], f)
	}
	return out
}
