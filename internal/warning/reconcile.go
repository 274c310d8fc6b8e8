package warning

// Open is an open (or acknowledged) warning as a sweep sees it.
type Open struct {
	ID    int64
	Rule  string
	Key   string // Subject.Key()
	Level Level
}

// Resolution reasons.
const (
	ReasonEscalated = "escalated" // a higher deadline warning took over (已升级)
	ReasonCleared   = "cleared"   // the condition no longer holds (系统自动解除)
	ReasonDisabled  = "disabled"  // the committee turned the rule off
)

// ReasonLabel is the Chinese note a resolution records.
func ReasonLabel(r string) string {
	switch r {
	case ReasonEscalated:
		return "已升级"
	case ReasonCleared:
		return "系统自动解除：预警条件已消除"
	case ReasonDisabled:
		return "系统自动解除：规则已停用"
	}
	return r
}

// Resolution closes an open warning.
type Resolution struct {
	ID     int64
	Reason string
	Note   string // Chinese, what replaced it or why
}

// Plan is what a sweep does: warnings to raise and warnings to resolve.
type Plan struct {
	Raise   []Finding
	Resolve []Resolution
}

func familyRank(code string) int {
	for i, c := range DeadlineFamily {
		if c == code {
			return i + 1
		}
	}
	return 0
}

// Reconcile compares the open warnings with what the rules find now. A
// finding with no open warning of its rule and subject is raised; an open
// warning whose condition is gone resolves itself, as 已升级 when a higher
// rule of the deadline family now holds on the same case. Only rules the
// sweep evaluated (every rule of rs) are touched: a subject kind the sweep
// does not know keeps its warnings.
func Reconcile(rs RuleSet, open []Open, found []Finding) Plan {
	type key struct{ rule, subj string }
	have := map[key]bool{}
	for _, o := range open {
		have[key{o.Rule, o.Key}] = true
	}
	now := map[key]bool{}
	family := map[string]Finding{} // subject key → the deadline finding
	var p Plan
	for _, f := range found {
		k := key{f.Rule, f.Subject.Key()}
		if now[k] {
			continue
		}
		now[k] = true
		if familyRank(f.Rule) > 0 {
			family[f.Subject.Key()] = f
		}
		if !have[k] {
			p.Raise = append(p.Raise, f)
		}
	}
	for _, o := range open {
		if now[key{o.Rule, o.Key}] {
			continue
		}
		r, known := rs.Rule(o.Rule)
		if !known {
			continue
		}
		switch f, ok := family[o.Key]; {
		case ok && familyRank(o.Rule) > 0 && familyRank(f.Rule) > familyRank(o.Rule):
			p.Resolve = append(p.Resolve, Resolution{ID: o.ID, Reason: ReasonEscalated,
				Note: "已升级为" + f.Level.Label() + "（" + ruleName(rs, f.Rule) + "）"})
		case !r.Enabled:
			p.Resolve = append(p.Resolve, Resolution{ID: o.ID, Reason: ReasonDisabled, Note: ReasonLabel(ReasonDisabled)})
		default:
			p.Resolve = append(p.Resolve, Resolution{ID: o.ID, Reason: ReasonCleared, Note: ReasonLabel(ReasonCleared)})
		}
	}
	return p
}

func ruleName(rs RuleSet, code string) string {
	if r, ok := rs.Rule(code); ok {
		return r.Name
	}
	return code
}
