package calendar

import (
	"strconv"
	"strings"
)

// ClockKind names one deadline clock of a case.
type ClockKind string

// The clocks of a case, in display order.
const (
	ClockAcceptance           ClockKind = "acceptance"
	ClockMediation            ClockKind = "mediation"
	ClockTerminationNotice    ClockKind = "termination_notice"
	ClockODR                  ClockKind = "odr_negotiation"
	ClockJudicialConfirmation ClockKind = "judicial_confirmation"
	ClockCommitteeTarget      ClockKind = "committee_target"
)

// Label returns the Chinese label of the clock ("" for an unknown kind).
func (k ClockKind) Label() string {
	switch k {
	case ClockAcceptance:
		return "受理决定"
	case ClockMediation:
		return "调解期限"
	case ClockTerminationNotice:
		return "终止告知"
	case ClockODR:
		return "ODR协商"
	case ClockJudicialConfirmation:
		return "司法确认申请"
	case ClockCommitteeTarget:
		return "调委会目标"
	}
	return ""
}

// ClockFacts are the dates of one case that start and stop its clocks.
type ClockFacts struct {
	ReceivedAt        Date
	AcceptedAt        *Date // nil until accepted
	ODRStartedAt      *Date
	ODREndedAt        *Date // ODR clock stops
	MediationEndedAt  *Date // agreed/terminated/withdrawn: mediation and committee clocks stop
	TerminatedAt      *Date // termination notice clock starts
	NoticeSentAt      *Date // termination notice clock stops
	EffectiveAt       *Date // agreement took effect: judicial-confirmation window starts
	JudicialAppliedAt *Date // judicial-confirmation clock stops
	Decided           bool  // acceptance decided (accepted or rejected)
	DecidedAt         *Date // acceptance clock stops (falls back to AcceptedAt)
	Pauses            []Pause
}

// Deadline is the state of one clock on a given day.
type Deadline struct {
	Kind        ClockKind
	Label       string
	Start       Date
	Due         Date
	WorkingDays bool  // false for calendar-day clocks
	Length      int   // policy number used
	Running     bool  // false once stopped (met or closed)
	StoppedAt   *Date // nil while running, or when stopped without a known date
	Met         *bool // set when StoppedAt is known: stopped on/before Due
	Paused      bool  // a suspension affecting this clock is open today
	Remaining   int   // days (of the clock's kind) from today to Due; < 0 when overdue; only if Running
	Overdue     bool  // Running && today after Due
	Explain     string
}

// clockSpec is what Deadlines needs to evaluate one started clock.
type clockSpec struct {
	kind      ClockKind
	start     Date
	length    int
	working   bool // working days (true) or calendar days
	pausable  bool // extended by suspensions
	stopped   bool
	stoppedAt *Date
	event     string // what happened on the start date, e.g. "受理"
	basis     string // where the length comes from, e.g. the policy name
	// optional: a right, not a duty (judicial confirmation): when the window
	// passes unused the clock closes instead of turning overdue.
	optional bool
}

// Deadlines evaluates every clock of the case that has started, in the order
// of the ClockKind constants, as seen on today.
//
// Working-day clocks (acceptance, mediation, ODR) are extended by the
// suspensions; an open suspension counts until today, or until the clock
// stopped if that was earlier. The termination notice clock and the
// calendar-day clocks are not extended.
func Deadlines(c *Calendar, p Policy, f ClockFacts, today Date) []Deadline {
	specs := clockSpecs(p, f)
	out := make([]Deadline, 0, len(specs))
	for _, s := range specs {
		out = append(out, s.evaluate(c, f.Pauses, today))
	}
	return out
}

func clockSpecs(p Policy, f ClockFacts) []clockSpec {
	var specs []clockSpec
	if !f.ReceivedAt.IsZero() {
		decidedAt := firstSet(f.DecidedAt, f.AcceptedAt)
		specs = append(specs, clockSpec{
			kind: ClockAcceptance, start: f.ReceivedAt, length: p.AcceptanceWD,
			working: true, pausable: true,
			stopped: f.Decided || decidedAt != nil, stoppedAt: decidedAt,
			event: "收到投诉", basis: p.Basis(ClockAcceptance),
		})
	}
	mediationEnd := firstSet(f.MediationEndedAt, f.TerminatedAt)
	if f.AcceptedAt != nil {
		specs = append(specs, clockSpec{
			kind: ClockMediation, start: *f.AcceptedAt, length: p.MediationWD,
			working: true, pausable: true,
			stopped: mediationEnd != nil, stoppedAt: mediationEnd,
			event: "受理", basis: p.Basis(ClockMediation),
		})
	}
	if f.TerminatedAt != nil {
		specs = append(specs, clockSpec{
			kind: ClockTerminationNotice, start: *f.TerminatedAt, length: p.TerminationNoticeWD,
			working: true,
			stopped: f.NoticeSentAt != nil, stoppedAt: f.NoticeSentAt,
			event: "终止调解", basis: p.Basis(ClockTerminationNotice),
		})
	}
	if f.ODRStartedAt != nil {
		specs = append(specs, clockSpec{
			kind: ClockODR, start: *f.ODRStartedAt, length: p.ODRNegotiationWD,
			working: true, pausable: true,
			stopped: f.ODREndedAt != nil, stoppedAt: f.ODREndedAt,
			event: "开始ODR协商", basis: p.Basis(ClockODR),
		})
	}
	if f.EffectiveAt != nil {
		specs = append(specs, clockSpec{
			kind: ClockJudicialConfirmation, start: *f.EffectiveAt, length: p.JudicialConfirmDays,
			stopped: f.JudicialAppliedAt != nil, stoppedAt: f.JudicialAppliedAt,
			event: "调解协议生效", basis: p.Basis(ClockJudicialConfirmation), optional: true,
		})
	}
	if f.AcceptedAt != nil {
		specs = append(specs, clockSpec{
			kind: ClockCommitteeTarget, start: *f.AcceptedAt, length: p.CommitteeTargetDays,
			stopped: mediationEnd != nil, stoppedAt: mediationEnd,
			event: "受理", basis: p.Basis(ClockCommitteeTarget),
		})
	}
	return specs
}

// firstSet returns the first non-nil date.
func firstSet(ds ...*Date) *Date {
	for _, d := range ds {
		if d != nil {
			return d
		}
	}
	return nil
}

func (s clockSpec) evaluate(c *Calendar, pauses []Pause, today Date) Deadline {
	d := Deadline{
		Kind:        s.kind,
		Label:       s.kind.Label(),
		Start:       s.start,
		WorkingDays: s.working,
		Length:      s.length,
		Running:     !s.stopped,
	}

	// An open suspension lasts until today, or until the clock stopped.
	asOf := today
	if s.stoppedAt != nil && s.stoppedAt.Before(today) {
		asOf = *s.stoppedAt
	}
	var ws []window
	if s.pausable {
		ws = windows(pauses, asOf, s.stoppedAt)
	}

	skipped := 0
	if s.working {
		d.Due, skipped = c.dueWithPauses(s.start, s.length, ws)
	} else {
		d.Due = s.start.AddDays(s.length)
	}

	if s.stoppedAt != nil {
		at := *s.stoppedAt
		met := !at.After(d.Due)
		d.StoppedAt, d.Met = &at, &met
	}

	if d.Running {
		d.Overdue = today.After(d.Due)
		d.Paused = s.pausable && pausedOn(pauses, today, d.Due)
		d.Remaining = s.remaining(c, ws, today, d.Due)
	}

	d.Explain = s.explain(d.Due, skipped, d.Paused, today)
	if s.optional && d.Running && today.After(d.Due) {
		d.Running, d.Overdue, d.Remaining = false, false, 0
		d.Explain += "；期限已过，未申请"
	}
	return d
}

// pausedOn reports whether a suspension is open on today and started before
// due (a suspension starting on or after the due date does not extend it).
func pausedOn(pauses []Pause, today, due Date) bool {
	for _, p := range pauses {
		if p.openAt(today) && p.From.Before(due) {
			return true
		}
	}
	return false
}

// remaining counts days from today to due: working days in (today, due]
// outside suspensions, or calendar days. When overdue it is negative and at
// least one day, even if only non-working days have passed since due.
func (s clockSpec) remaining(c *Calendar, ws []window, today, due Date) int {
	if !s.working {
		return due.Sub(today)
	}
	if today.After(due) {
		return min(-c.countWorkdays(due, today, nil), -1)
	}
	return c.countWorkdays(today, due, ws)
}

// explain is one Chinese sentence on how the due date was derived. Joined
// by hand, not by fmt: every row of every clock list computes one, and
// fmt.Sprintf was an eighth of the committee desk's CPU.
func (s clockSpec) explain(due Date, skipped int, paused bool, today Date) string {
	var b strings.Builder
	b.Grow(160)
	b.WriteString(s.start.String())
	b.WriteString(" ")
	b.WriteString(s.event)
	b.WriteString("，依")
	b.WriteString(s.basis)
	b.WriteString("，")
	b.WriteString(strconv.Itoa(s.length))
	if !s.working {
		b.WriteString("个自然日（不含起始日），截止 ")
		b.WriteString(due.String())
		return b.String()
	}
	b.WriteString("个工作日（不含起始日）")
	switch {
	case skipped > 0:
		b.WriteString("，中止顺延")
		b.WriteString(strconv.Itoa(skipped))
		b.WriteString("个工作日")
		if paused {
			b.WriteString("（中止尚未结束，暂计至 ")
			b.WriteString(today.String())
			b.WriteString("）")
		}
	case paused:
		b.WriteString("，目前处于中止状态")
	}
	b.WriteString("，截止 ")
	b.WriteString(due.String())
	return b.String()
}
