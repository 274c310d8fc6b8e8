package evaluation

import (
	"testing"
	"time"
)

func TestDeriveAgreedWrittenCase(t *testing.T) {
	h := newCase(1, "2026-03-02 09:00").mediating("2026-03-03", "2026-03-05", 7).
		agreed("2026-03-10", 50000, "written").
		ev("start_performance", "2026-03-11", "").
		note("performed", "2026-03-12", "第1项已履行：退款，300.00元（凭证：x）", `{"recovered_fen":30000}`).
		note("commendation", "2026-03-12", "消费者赠送锦旗：为民解忧", "").
		note("performed", "2026-03-16", "第2项已履行：道歉，200.00元（凭证：y）", `{"recovered_fen":0}`).
		ev("follow_up", "2026-03-18", `{"satisfaction":5}`).
		note("commendation", "2026-03-19", "经营者赠送感谢信", "").
		note("commendation", "2026-03-19", "消费者赠送其他表扬：感谢信和锦旗", "").
		ev("judicial_confirmed", "2026-03-20", "").
		ev("archive", "2026-03-25", "")
	h.c.AgreementTerms = 2
	f := h.facts()
	if f.Outcome != OutcomeAgreed || f.ClosedAt == nil || !f.ClosedAt.Equal(at("2026-03-10")) {
		t.Fatalf("outcome %s closed %v", f.Outcome, f.ClosedAt)
	}
	if !f.MediationBegan || f.AgreementForm != "written" || f.AgreedFen != 50000 || f.RecoveredFen != 30000 {
		t.Errorf("began %v form %q agreed %d recovered %d", f.MediationBegan, f.AgreementForm, f.AgreedFen, f.RecoveredFen)
	}
	if !f.Performed || !f.PerformedAt.Equal(at("2026-03-16")) {
		t.Errorf("performed %v at %v, want when the second term was performed", f.Performed, f.PerformedAt)
	}
	if !f.FollowUpDone || f.Satisfaction != 5 || !f.JudicialConfirmed || !f.Archived {
		t.Errorf("follow-up %v %d judicial %v archived %v", f.FollowUpDone, f.Satisfaction, f.JudicialConfirmed, f.Archived)
	}
	if f.Banners() != 1 || f.Letters() != 1 || len(f.Commendations) != 3 {
		t.Errorf("banners %d letters %d all %d (the note text of an “other” must not count)", f.Banners(), f.Letters(), len(f.Commendations))
	}
	if f.PresidingID != 7 {
		t.Errorf("presiding %d", f.PresidingID)
	}
	// 03-04, 05, 06, 09, 10: the day of acceptance is not counted.
	if !f.HasHandlingDays || f.HandlingDays != 5 {
		t.Errorf("handling days %d (%v), want 5", f.HandlingDays, f.HasHandlingDays)
	}
	if f.AcceptedOnTime == nil || !*f.AcceptedOnTime || f.ClosedOnTime == nil || !*f.ClosedOnTime {
		t.Errorf("on time: acceptance %v closure %v", f.AcceptedOnTime, f.ClosedOnTime)
	}
	if !f.HasEntryDays || f.EntryDays != 0 {
		t.Errorf("entry days %d", f.EntryDays)
	}
}

func TestDeriveOutcomes(t *testing.T) {
	cases := []struct {
		name    string
		h       *hist
		outcome Outcome
		began   bool
		closed  string // "" = open
	}{
		{"open, mediating", newCase(1, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7), OutcomeOpen, true, ""},
		{"rejected", newCase(2, "2026-03-02").ev("reject", "2026-03-04", ""), OutcomeRejected, false, "2026-03-04"},
		{"terminated after mediation began", newCase(3, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).
			ev("terminate", "2026-03-20", ""), OutcomeNotAgreed, true, "2026-03-20"},
		{"terminated when consent was refused", newCase(4, "2026-03-02").ev("accept", "2026-03-03", "").
			ev("request_consent", "2026-03-03", "").ev("terminate", "2026-03-06", ""), OutcomeTerminated, false, "2026-03-06"},
		{"withdrawn before mediation", newCase(5, "2026-03-02").ev("accept", "2026-03-03", "").
			ev("withdraw", "2026-03-05", ""), OutcomeWithdrawn, false, "2026-03-05"},
		{"withdrawn during mediation", newCase(6, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).
			ev("withdraw", "2026-03-09", ""), OutcomeWithdrawn, true, "2026-03-09"},
		{"withdrawn while suspended", newCase(7, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).
			ev("suspend", "2026-03-05", "").ev("withdraw", "2026-03-09", ""), OutcomeWithdrawn, true, "2026-03-09"},
		{"ODR settled", newCase(8, "2026-03-02").ev("accept", "2026-03-03", "").ev("start_odr", "2026-03-03", "").
			ev("odr_settled", "2026-03-10", ""), OutcomeODRSettled, false, "2026-03-10"},
		{"merged duplicate", newCase(9, "2026-03-02").ev("merge", "2026-03-03", ""), OutcomeMerged, false, "2026-03-03"},
		{"merged after acceptance", newCase(10, "2026-03-02").ev("accept", "2026-03-03", "").ev("merge", "2026-03-05", ""), OutcomeMerged, false, "2026-03-05"},
		{"oral agreement", newCase(11, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).agreed("2026-03-06", 100, "oral").
			ev("start_performance", "2026-03-06", ""), OutcomeAgreed, true, "2026-03-06"},
		{"archived after termination keeps the first closing", newCase(12, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).
			ev("terminate", "2026-03-10", "").ev("archive", "2026-03-30", ""), OutcomeNotAgreed, true, "2026-03-10"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			f := cs.h.facts()
			if f.Outcome != cs.outcome || f.MediationBegan != cs.began {
				t.Errorf("outcome %s began %v; want %s %v", f.Outcome, f.MediationBegan, cs.outcome, cs.began)
			}
			if cs.closed == "" {
				if f.ClosedAt != nil || f.HasHandlingDays || f.ClosedOnTime != nil {
					t.Errorf("open case has closed %v handling %v on time %v", f.ClosedAt, f.HasHandlingDays, f.ClosedOnTime)
				}
			} else if f.ClosedAt == nil || !f.ClosedAt.Equal(at(cs.closed)) {
				t.Errorf("closed %v, want %s", f.ClosedAt, cs.closed)
			}
			if f.Outcome.Label() == "" || f.Outcome.Label() == string(f.Outcome) {
				t.Errorf("outcome %s has no Chinese label", f.Outcome)
			}
		})
	}
	if f := cases[10].h.facts(); f.AgreementForm != "oral" {
		t.Errorf("oral agreement form %q", f.AgreementForm)
	}
}

func TestDeriveSuspendedTimeExcluded(t *testing.T) {
	// Accepted Mon 03-02; suspended 03-04, resumed 03-11: the days 03-05 … 03-11
	// (5 working days) do not count; agreed 03-13.
	h := newCase(1, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).
		ev("suspend", "2026-03-04", "").ev("resume", "2026-03-11", "").agreed("2026-03-13", 100, "written")
	f := h.facts()
	if f.HandlingDays != 4 { // 03-03, 03-04, 03-12, 03-13
		t.Errorf("handling days %d, want 4", f.HandlingDays)
	}
	// Two overlapping-in-effect suspensions are not subtracted twice, and a
	// suspension still open at closure runs until closure.
	h2 := newCase(2, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).
		ev("suspend", "2026-03-04", "").ev("resume", "2026-03-06", "").
		ev("suspend", "2026-03-10", "").ev("withdraw", "2026-03-13", "")
	if f := h2.facts(); f.HandlingDays != 4 { // 03-03, 03-04, 03-09, 03-10
		t.Errorf("handling days %d, want 4", f.HandlingDays)
	}

	// A closure 50 working days after acceptance is late, unless 13 working
	// days of it were suspended.
	closeDay := cal.AddWorkdays(day("2026-03-02"), 50).String()
	late := newCase(3, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).agreed(closeDay, 100, "written").facts()
	if late.ClosedOnTime == nil || *late.ClosedOnTime || late.HandlingDays != 50 {
		t.Errorf("unsuspended: on time %v handling %d, want late and 50", late.ClosedOnTime, late.HandlingDays)
	}
	paused := newCase(4, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).
		ev("suspend", "2026-03-03", "").ev("resume", "2026-03-20", "").agreed(closeDay, 100, "written").facts()
	if paused.ClosedOnTime == nil || !*paused.ClosedOnTime || paused.HandlingDays != 37 {
		t.Errorf("suspended: on time %v handling %d, want on time and 37", paused.ClosedOnTime, paused.HandlingDays)
	}
	if !paused.MediationDue.After(late.MediationDue) {
		t.Errorf("suspension should move the due date: %s vs %s", paused.MediationDue, late.MediationDue)
	}
}

func TestDeriveAcceptanceClock(t *testing.T) {
	// Received Mon 2026-03-02: 7 working days → due 03-11.
	cases := []struct {
		name   string
		h      *hist
		onTime bool
	}{
		{"accepted on the due day", newCase(1, "2026-03-02").ev("accept", "2026-03-11", ""), true},
		{"accepted a day late", newCase(2, "2026-03-02").ev("accept", "2026-03-12", ""), false},
		{"rejected in time", newCase(3, "2026-03-02").ev("reject", "2026-03-03", ""), true},
		{"rejected late", newCase(4, "2026-03-02").ev("reject", "2026-03-20", ""), false},
	}
	for _, cs := range cases {
		f := cs.h.facts()
		if f.AcceptanceDue != day("2026-03-11") || f.AcceptedOnTime == nil || *f.AcceptedOnTime != cs.onTime {
			t.Errorf("%s: due %s on time %v, want %v", cs.name, f.AcceptanceDue, f.AcceptedOnTime, cs.onTime)
		}
	}
	if f := newCase(5, "2026-03-02").facts(); f.AcceptedOnTime != nil || f.DecidedAt != nil {
		t.Errorf("undecided case: %v", f.AcceptedOnTime)
	}
}

func TestDerivePresidingMediator(t *testing.T) {
	// Recusal mid-case: the replacement presides at closure.
	h := newCase(1, "2026-03-02").ev("accept", "2026-03-02", "").ev("request_consent", "2026-03-02", "").
		ev("assign", "2026-03-03", `{"mediator_id":7}`).ev("start_mediation", "2026-03-03", "").
		ev("suspend", "2026-03-04", "").ev("recusal_granted", "2026-03-05", `{"mediator_id":9}`).ev("resume", "2026-03-05", "").
		ev("terminate", "2026-03-10", "")
	h.c.PresidingID = 9
	if f := h.facts(); f.PresidingID != 9 || f.Outcome != OutcomeNotAgreed {
		t.Errorf("presiding %d outcome %s, want 9 not_agreed", f.PresidingID, f.Outcome)
	}
	// The events of today name no mediator id: the row's presiding mediator stands.
	h2 := newCase(2, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).
		note("co_mediator", "2026-03-04", "增加调解员李四共同调解", "").
		note("recusal_granted", "2026-03-05", "准予回避，由王五接替主持调解。", "").agreed("2026-03-09", 100, "written")
	h2.c.PresidingID = 11
	if f := h2.facts(); f.PresidingID != 11 {
		t.Errorf("fallback presiding %d, want the row's 11", f.PresidingID)
	}
	// A reassignment recorded after closure (impossible today) does not move the case.
	h3 := newCase(3, "2026-03-02").ev("assign", "2026-03-03", `{"mediator_id":7}`).ev("start_mediation", "2026-03-03", "").
		agreed("2026-03-04", 1, "written").ev("assign", "2026-03-05", `{"mediator_id":8}`)
	if f := h3.facts(); f.PresidingID != 7 {
		t.Errorf("presiding %d, want 7 at closure", f.PresidingID)
	}
}

func TestDerivePerformance(t *testing.T) {
	base := func() *hist {
		return newCase(1, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).agreed("2026-03-04", 300, "written").
			ev("start_performance", "2026-03-05", "")
	}
	cases := []struct {
		name  string
		terms int
		evs   func(*hist) *hist
		want  bool
		when  string
	}{
		{"one of two terms", 2, func(h *hist) *hist {
			return h.note("performed", "2026-03-06", "第1项已履行：退款", `{"recovered_fen":100}`)
		}, false, ""},
		{"same term twice is one term", 2, func(h *hist) *hist {
			return h.note("performed", "2026-03-06", "第1项已履行", "").note("performed", "2026-03-07", "第1项已履行", "")
		}, false, ""},
		{"both terms", 2, func(h *hist) *hist {
			return h.note("performed", "2026-03-06", "第2项已履行", "").note("performed", "2026-03-09", "第1项已履行", "")
		}, true, "2026-03-09"},
		{"term index in data", 2, func(h *hist) *hist {
			return h.ev("performed", "2026-03-06", `{"term":0}`).ev("performed", "2026-03-10", `{"term":1}`)
		}, true, "2026-03-10"},
		{"term count unknown: the first performance counts", 0, func(h *hist) *hist {
			return h.note("performed", "2026-03-06", "第1项已履行", "")
		}, true, "2026-03-06"},
		{"nothing performed", 1, func(h *hist) *hist { return h }, false, ""},
	}
	for _, cs := range cases {
		h := cs.evs(base())
		h.c.AgreementTerms = cs.terms
		f := h.facts()
		if f.Performed != cs.want || (cs.want && !f.PerformedAt.Equal(at(cs.when))) {
			t.Errorf("%s: performed %v at %v; want %v %s", cs.name, f.Performed, f.PerformedAt, cs.want, cs.when)
		}
	}
}

func TestDeriveAsOfAndEntry(t *testing.T) {
	h := newCase(1, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).agreed("2026-03-20", 100, "written")
	h.c.ReceivedAt = at("2026-02-26") // registered 03-02: working days 02-27, 02-28 (make-up Saturday), 03-02
	f := Derive(rules(), h.c, at("2026-03-10"))
	if f.Outcome != OutcomeOpen || f.ClosedAt != nil {
		t.Errorf("as of 03-10 the case is open, got %s", f.Outcome)
	}
	if !f.HasEntryDays || f.EntryDays != 3 {
		t.Errorf("entry days %d, want 3", f.EntryDays)
	}
	noReceived := Case{ID: 2, ReceivedAt: at("2026-03-02"), Events: []Event{{Type: "accept", At: at("2026-03-03")}}}
	if f := Derive(rules(), noReceived, time.Time{}); f.HasEntryDays {
		t.Error("without a received event the entry time is unknown")
	}
	broken := newCase(3, "2026-03-02").ev("follow_up", "2026-03-05", `{"satisfaction":`)
	if f := broken.facts(); !f.FollowUpDone || f.Satisfaction != 0 {
		t.Errorf("broken data: done %v satisfaction %d", f.FollowUpDone, f.Satisfaction)
	}
}

// A "reassign" names the new presiding mediator like an assignment; a
// "performed" event's term count stands in when the caller has none.
func TestDeriveReassignAndTermsFromEvents(t *testing.T) {
	f := newCase(1, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).
		ev("reassign", "2026-03-05", `{"mediator_id":9}`).agreed("2026-03-10", 100, "written").
		ev("performed", "2026-03-12", `{"recovered_fen":50,"term":0,"terms":2}`).facts()
	if f.PresidingID != 9 {
		t.Errorf("presiding after reassign: %d", f.PresidingID)
	}
	if f.Performed {
		t.Error("one of two terms performed is not performed")
	}
	g := newCase(2, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).agreed("2026-03-10", 100, "written").
		ev("performed", "2026-03-12", `{"term":0,"terms":2}`).ev("performed", "2026-03-20", `{"term":1,"terms":2}`).facts()
	if !g.Performed || g.PerformedAt == nil || !g.PerformedAt.Equal(at("2026-03-20")) {
		t.Errorf("both terms performed: %+v", g.PerformedAt)
	}
}
