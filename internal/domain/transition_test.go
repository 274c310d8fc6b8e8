package domain

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// trResumeTarget is the PrevStatus that trGoodFacts supplies, so the expected
// matrix can name the state a resume leads to.
const trResumeTarget = StatusMediating

// trMatrix is the full expected transition matrix, written out by hand from the
// DESIGN.md "A case's life" diagram (not derived from the code's table). A
// (status, action) pair that is absent must be refused whatever the facts.
// Resume leads back to PrevStatus; trGoodFacts sets that to trResumeTarget.
var trMatrix = map[Status]map[Action]Status{
	StatusReceived: {
		ActionMerge:  StatusWithdrawn,
		ActionAccept: StatusAccepted,
		ActionReject: StatusRejected,
	},
	StatusRejected: {
		ActionArchive: StatusArchived,
	},
	StatusAccepted: {
		ActionMerge:          StatusWithdrawn,
		ActionStartODR:       StatusODRNegotiating,
		ActionRequestConsent: StatusConsenting,
		ActionSuspend:        StatusSuspended,
		ActionTerminate:      StatusTerminated,
		ActionWithdraw:       StatusWithdrawn,
	},
	StatusODRNegotiating: {
		ActionMerge:      StatusWithdrawn,
		ActionODRFailed:  StatusConsenting,
		ActionODRSettled: StatusWithdrawn,
		ActionWithdraw:   StatusWithdrawn,
	},
	StatusConsenting: {
		ActionMerge:     StatusWithdrawn,
		ActionAssign:    StatusAssigned,
		ActionSuspend:   StatusSuspended,
		ActionTerminate: StatusTerminated,
		ActionWithdraw:  StatusWithdrawn,
	},
	StatusAssigned: {
		ActionMerge:          StatusWithdrawn,
		ActionStartMediation: StatusMediating,
		ActionSuspend:        StatusSuspended,
		ActionTerminate:      StatusTerminated,
		ActionWithdraw:       StatusWithdrawn,
	},
	StatusMediating: {
		ActionMerge:          StatusWithdrawn,
		ActionReachAgreement: StatusAgreed,
		ActionSuspend:        StatusSuspended,
		ActionTerminate:      StatusTerminated,
		ActionWithdraw:       StatusWithdrawn,
	},
	StatusSuspended: {
		ActionMerge:     StatusWithdrawn,
		ActionResume:    trResumeTarget,
		ActionTerminate: StatusTerminated,
		ActionWithdraw:  StatusWithdrawn,
	},
	StatusAgreed: {
		ActionStartPerformance: StatusPerforming,
	},
	StatusPerforming: {
		ActionFollowUp: StatusFollowedUp,
	},
	StatusFollowedUp: {
		ActionArchive: StatusArchived,
	},
	StatusTerminated: {
		ActionArchive: StatusArchived,
	},
	StatusWithdrawn: {
		ActionArchive: StatusArchived,
	},
	StatusArchived: {},
}

// trSuspendable are the working states a case may be suspended from, by hand.
var trSuspendable = []Status{StatusAccepted, StatusConsenting, StatusAssigned, StatusMediating}

// trArchivableFrom are the closed states that may be archived, by hand.
var trArchivableFrom = []Status{StatusRejected, StatusFollowedUp, StatusTerminated, StatusWithdrawn}

// trHasCJK reports whether s contains at least one Han character.
func trHasCJK(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// trGoodFacts builds Facts for a case in status s that satisfy every guard of
// action a.
func trGoodFacts(s Status, a Action) Facts {
	f := Facts{
		Status:             s,
		PrevStatus:         trResumeTarget,
		HasRequiredFact:    true,
		ConsumerConsent:    true,
		MerchantConsent:    true,
		HasMediator:        true,
		ODREnterprise:      true,
		AgreementEffective: true,
		AgreementComplete:  true,
		FollowUpRecorded:   true,
		CaseFileComplete:   true,
		MergedInto:         1,
	}
	switch a {
	case ActionReject:
		f.ReasonCode = RejectReasons[0].Code
	case ActionSuspend:
		f.ReasonCode = SuspendReasons[0].Code
	case ActionTerminate:
		f.ReasonCode = TerminateReasons[0].Code
	}
	return f
}

// trWantRefusal fails unless err is a *TransitionError for (action, from) with a
// Chinese message and got is empty. It returns the message.
func trWantRefusal(t *testing.T, got Status, err error, action Action, from Status) string {
	t.Helper()
	if err == nil {
		t.Fatalf("%s from %s: want refusal, got %q", action, from, got)
	}
	if got != "" {
		t.Errorf("%s from %s: refused but returned status %q", action, from, got)
	}
	var te *TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("%s from %s: error %T is not *TransitionError", action, from, err)
	}
	if te.Action != action || te.From != from {
		t.Errorf("%s from %s: error carries action %q from %q", action, from, te.Action, te.From)
	}
	if te.Message == "" || !trHasCJK(te.Message) {
		t.Errorf("%s from %s: message %q is not Chinese", action, from, te.Message)
	}
	if te.Error() != te.Message {
		t.Errorf("Error() = %q, want the message %q", te.Error(), te.Message)
	}
	return te.Message
}

// TestTransitionMatrix checks every (status, action) pair against the
// hand-written matrix with all guards satisfied.
func TestTransitionMatrix(t *testing.T) {
	if len(trMatrix) != len(Statuses) {
		t.Fatalf("matrix has %d statuses, Statuses has %d", len(trMatrix), len(Statuses))
	}
	for _, s := range Statuses {
		row, ok := trMatrix[s]
		if !ok {
			t.Fatalf("matrix lacks a row for %s", s)
		}
		for _, a := range Actions {
			got, err := Next(a, trGoodFacts(s, a))
			want, allowed := row[a]
			if allowed {
				if err != nil {
					t.Errorf("%s from %s: want %s, got error %v", a, s, want, err)
				} else if got != want {
					t.Errorf("%s from %s: got %s, want %s", a, s, got, want)
				}
				continue
			}
			trWantRefusal(t, got, err, a, s)
		}
	}
}

// TestMatrixListsOnlyKnownNames guards the hand-written data itself.
func TestMatrixListsOnlyKnownNames(t *testing.T) {
	for s, row := range trMatrix {
		if !s.Valid() {
			t.Errorf("matrix row %q is not a status", s)
		}
		for a, to := range row {
			if !slices.Contains(Actions, a) {
				t.Errorf("matrix action %q is not in Actions", a)
			}
			if !to.Valid() {
				t.Errorf("matrix target %q is not a status", to)
			}
		}
	}
	// Every status but received is the target of some edge (or a resume target).
	reached := map[Status]bool{StatusReceived: true}
	for _, row := range trMatrix {
		for _, to := range row {
			reached[to] = true
		}
	}
	for _, s := range trSuspendable {
		reached[s] = true
	}
	for _, s := range Statuses {
		if !reached[s] {
			t.Errorf("status %s cannot be reached in the matrix", s)
		}
	}
}

// TestNextUnknownStatusAndAction refuses names that are not in the machine.
func TestNextUnknownStatusAndAction(t *testing.T) {
	for _, s := range append(slices.Clone(Statuses), "", "bogus") {
		got, err := Next("bogus", trGoodFacts(s, "bogus"))
		msg := trWantRefusal(t, got, err, "bogus", s)
		if !strings.Contains(msg, "bogus") {
			t.Errorf("unknown action message %q does not name the action", msg)
		}
	}
	for _, a := range Actions {
		got, err := Next(a, trGoodFacts("bogus", a))
		trWantRefusal(t, got, err, a, "bogus")
		got, err = Next(a, trGoodFacts("", a))
		trWantRefusal(t, got, err, a, "")
	}
}

// trGuardBreak breaks exactly one guard of an action.
type trGuardBreak struct {
	action Action
	name   string
	brk    func(*Facts)
}

func trGuardBreaks() []trGuardBreak {
	var out []trGuardBreak
	add := func(a Action, name string, brk func(*Facts)) {
		out = append(out, trGuardBreak{a, name, brk})
	}
	reason := func(a Action, code string) {
		add(a, fmt.Sprintf("reason %q", code), func(f *Facts) { f.ReasonCode = code })
	}
	add(ActionAccept, "no required facts", func(f *Facts) { f.HasRequiredFact = false })
	add(ActionStartODR, "not an ODR enterprise", func(f *Facts) { f.ODREnterprise = false })
	for _, a := range []Action{ActionAssign, ActionStartMediation} {
		add(a, "no consumer consent", func(f *Facts) { f.ConsumerConsent = false })
		add(a, "no merchant consent", func(f *Facts) { f.MerchantConsent = false })
		add(a, "no consent at all", func(f *Facts) { f.ConsumerConsent, f.MerchantConsent = false, false })
		add(a, "no mediator", func(f *Facts) { f.HasMediator = false })
	}
	add(ActionReachAgreement, "agreement incomplete", func(f *Facts) { f.AgreementComplete = false })
	add(ActionStartPerformance, "agreement not effective", func(f *Facts) { f.AgreementEffective = false })
	add(ActionFollowUp, "follow-up not recorded", func(f *Facts) { f.FollowUpRecorded = false })
	add(ActionArchive, "case file incomplete", func(f *Facts) { f.CaseFileComplete = false })
	add(ActionMerge, "no merge target", func(f *Facts) { f.MergedInto = 0 })
	for _, p := range []Status{"", "bogus", StatusReceived, StatusRejected, StatusODRNegotiating, StatusSuspended,
		StatusAgreed, StatusPerforming, StatusFollowedUp, StatusTerminated, StatusWithdrawn, StatusArchived} {
		add(ActionResume, fmt.Sprintf("prev status %q", p), func(f *Facts) { f.PrevStatus = p })
	}
	// Reason codes: empty, junk, near misses, and every code of the other lists.
	junk := []string{"", "junk", " " + RejectReasons[0].Code, strings.ToUpper(TerminateReasons[0].Code), "appraisal "}
	own := map[Action]Reasons{ActionReject: RejectReasons, ActionSuspend: SuspendReasons, ActionTerminate: TerminateReasons}
	for a, mine := range own {
		for _, code := range junk {
			reason(a, code)
		}
		for _, other := range []Reasons{RejectReasons, SuspendReasons, TerminateReasons} {
			for _, r := range other {
				if !mine.Has(r.Code) {
					reason(a, r.Code)
				}
			}
		}
	}
	return out
}

// TestEachGuard breaks exactly one guard at a time, from every start state of the action.
func TestEachGuard(t *testing.T) {
	guarded := map[Action]bool{}
	for _, g := range trGuardBreaks() {
		guarded[g.action] = true
		froms := 0
		for _, s := range Statuses {
			if _, ok := trMatrix[s][g.action]; !ok {
				continue
			}
			froms++
			f := trGoodFacts(s, g.action)
			g.brk(&f)
			got, err := Next(g.action, f)
			msg := trWantRefusal(t, got, err, g.action, s)
			if strings.Contains(msg, "案件当前状态为") {
				t.Errorf("%s from %s (%s): guard refusal looks like a wrong-state message: %q", g.action, s, g.name, msg)
			}
		}
		if froms == 0 {
			t.Errorf("%s has no start state in the matrix", g.action)
		}
	}
	// The guarded actions per the DESIGN rules; all others have no guard.
	wantGuarded := []Action{ActionAccept, ActionReject, ActionStartODR, ActionAssign, ActionStartMediation,
		ActionSuspend, ActionResume, ActionReachAgreement, ActionStartPerformance, ActionFollowUp,
		ActionTerminate, ActionArchive, ActionMerge}
	for _, a := range wantGuarded {
		if !guarded[a] {
			t.Errorf("no guard break listed for %s", a)
		}
	}
	// The zero Facts (apart from the status) satisfy no guard, so guarded
	// actions are refused and unguarded ones go through.
	for _, s := range Statuses {
		for a, want := range trMatrix[s] {
			got, err := Next(a, Facts{Status: s})
			if slices.Contains(wantGuarded, a) {
				trWantRefusal(t, got, err, a, s)
			} else if err != nil || got != want {
				t.Errorf("unguarded %s from %s with zero facts: got %q, %v; want %s", a, s, got, err, want)
			}
		}
	}
}

// TestNothingChargedToParty: a non-zero charge refuses every action from every state.
func TestNothingChargedToParty(t *testing.T) {
	for _, s := range Statuses {
		for _, a := range Actions {
			for _, charge := range []int64{1, -1, 100, 5000_00, math.MaxInt64, math.MinInt64} {
				f := trGoodFacts(s, a)
				f.ChargeToParty = charge
				got, err := Next(a, f)
				msg := trWantRefusal(t, got, err, a, s)
				if _, ok := trMatrix[s][a]; ok && !strings.Contains(msg, "费用") {
					t.Errorf("%s from %s charging %d: message %q does not mention 费用", a, s, charge, msg)
				}
			}
		}
	}
}

// TestWrongStateMessage: refusing a pair outside the matrix names the current
// status and the action in Chinese.
func TestWrongStateMessage(t *testing.T) {
	for _, s := range Statuses {
		for _, a := range Actions {
			if _, ok := trMatrix[s][a]; ok {
				continue
			}
			got, err := Next(a, trGoodFacts(s, a))
			msg := trWantRefusal(t, got, err, a, s)
			if !strings.Contains(msg, s.Label()) {
				t.Errorf("%s from %s: message %q does not mention %q", a, s, msg, s.Label())
			}
			if !strings.Contains(msg, a.Label()) {
				t.Errorf("%s from %s: message %q does not mention %q", a, s, msg, a.Label())
			}
			if strings.Contains(msg, string(s)) && string(s) != s.Label() {
				t.Errorf("%s from %s: message %q leaks the status code", a, s, msg)
			}
		}
	}
}

// TestResume returns exactly the state held before suspension.
func TestResume(t *testing.T) {
	for _, prev := range trSuspendable {
		// Suspend from prev, then resume with prev recorded.
		f := trGoodFacts(prev, ActionSuspend)
		got, err := Next(ActionSuspend, f)
		if err != nil || got != StatusSuspended {
			t.Fatalf("suspend from %s: got %q, %v", prev, got, err)
		}
		f = trGoodFacts(StatusSuspended, ActionResume)
		f.PrevStatus = prev
		got, err = Next(ActionResume, f)
		if err != nil || got != prev {
			t.Errorf("resume to %s: got %q, %v", prev, got, err)
		}
		// Resume is only possible from suspended.
		for _, s := range Statuses {
			if s == StatusSuspended {
				continue
			}
			f := trGoodFacts(s, ActionResume)
			f.PrevStatus = prev
			got, err := Next(ActionResume, f)
			trWantRefusal(t, got, err, ActionResume, s)
		}
	}
	for _, s := range Statuses {
		f := trGoodFacts(StatusSuspended, ActionResume)
		f.PrevStatus = s
		got, err := Next(ActionResume, f)
		if slices.Contains(trSuspendable, s) {
			if err != nil || got != s {
				t.Errorf("resume to %s: got %q, %v", s, got, err)
			}
		} else {
			msg := trWantRefusal(t, got, err, ActionResume, StatusSuspended)
			if !strings.Contains(msg, "恢复") {
				t.Errorf("resume to %s: message %q does not mention 恢复", s, msg)
			}
		}
	}
	// Suspended cannot itself be suspended again (no nested suspension).
	got, err := Next(ActionSuspend, trGoodFacts(StatusSuspended, ActionSuspend))
	trWantRefusal(t, got, err, ActionSuspend, StatusSuspended)
}

// trReasonPool is every reason code of every list plus junk.
func trReasonPool() []string {
	var pool []string
	for _, rs := range []Reasons{RejectReasons, SuspendReasons, TerminateReasons} {
		for _, r := range rs {
			pool = append(pool, r.Code)
		}
	}
	return append(pool, "", "junk", "Appraisal", " no_agreement")
}

// TestRandomWalk runs many random walks through the machine and checks the
// invariants after every step.
func TestRandomWalk(t *testing.T) {
	const walks, steps = 10000, 40
	rng := rand.New(rand.NewPCG(20260415, 45))
	pool := trReasonPool()
	statusPool := append(slices.Clone(Statuses), "", "bogus")
	coin := func() bool { return rng.IntN(5) != 0 } // true four times in five

	reached := map[Status]int{}
	edges := map[Status]map[Action]int{}
	for _, s := range Statuses {
		edges[s] = map[Action]int{}
	}
	resumedTo := map[Status]int{}
	failures := 0
	fail := func(walk, step int, format string, args ...any) {
		failures++
		if failures <= 20 {
			t.Errorf("walk %d step %d: %s", walk, step, fmt.Sprintf(format, args...))
		}
	}

	for w := 0; w < walks; w++ {
		cur := StatusReceived
		var prev Status            // the state before the current suspension
		consentedAtAssign := false // the facts that moved the case into assigned had both consents
		reached[cur]++
		for step := 0; step < steps; step++ {
			// Three times in four pick one of the actions the matrix allows from
			// here (so walks get deep); otherwise any action, or junk.
			var a Action
			if row := trMatrix[cur]; len(row) > 0 && rng.IntN(4) != 0 {
				var keys []Action
				for _, x := range Actions {
					if _, ok := row[x]; ok {
						keys = append(keys, x)
					}
				}
				a = keys[rng.IntN(len(keys))]
			} else if rng.IntN(50) == 0 {
				a = "bogus"
			} else {
				a = Actions[rng.IntN(len(Actions))]
			}
			f := Facts{
				Status:             cur,
				PrevStatus:         statusPool[rng.IntN(len(statusPool))],
				ReasonCode:         pool[rng.IntN(len(pool))],
				HasRequiredFact:    coin(),
				ConsumerConsent:    coin(),
				MerchantConsent:    coin(),
				HasMediator:        coin(),
				ODREnterprise:      coin(),
				AgreementEffective: coin(),
				AgreementComplete:  coin(),
				FollowUpRecorded:   coin(),
				CaseFileComplete:   coin(),
			}
			if cur == StatusSuspended {
				f.PrevStatus = prev // the caller fills this from the case
			}
			if coin() {
				f.MergedInto = rng.Int64N(1000) + 1
			}
			if rng.IntN(20) == 0 {
				f.ChargeToParty = rng.Int64N(20001) - 10000
			}

			got, err := Next(a, f)
			if err != nil {
				var te *TransitionError
				if !errors.As(err, &te) || te.Message == "" || !trHasCJK(te.Message) {
					fail(w, step, "%s from %s: bad refusal %v", a, cur, err)
				}
				if got != "" {
					fail(w, step, "%s from %s: refused but returned %q", a, cur, got)
				}
				continue
			}

			// Invariants of every successful step.
			if !got.Valid() {
				fail(w, step, "%s from %s led to invalid status %q", a, cur, got)
			}
			if cur == StatusArchived {
				fail(w, step, "%s followed archived", a)
			}
			if f.ChargeToParty != 0 {
				fail(w, step, "%s from %s allowed a charge of %d", a, cur, f.ChargeToParty)
			}
			want, ok := trMatrix[cur][a]
			if a == ActionResume {
				want = prev
			}
			if !ok || got != want {
				fail(w, step, "%s from %s led to %s, matrix says %q (allowed %v)", a, cur, got, want, ok)
			}
			switch got {
			case StatusRejected:
				if cur != StatusReceived || !RejectReasons.Has(f.ReasonCode) {
					fail(w, step, "rejected from %s with reason %q", cur, f.ReasonCode)
				}
			case StatusAccepted:
				if cur == StatusReceived && !f.HasRequiredFact {
					fail(w, step, "accepted without the required facts")
				}
			case StatusODRNegotiating:
				if !f.ODREnterprise {
					fail(w, step, "ODR negotiation with a non-ODR merchant")
				}
			case StatusAssigned:
				if cur == StatusConsenting {
					consentedAtAssign = f.ConsumerConsent && f.MerchantConsent
					if !consentedAtAssign || !f.HasMediator {
						fail(w, step, "assigned with consents %v/%v mediator %v", f.ConsumerConsent, f.MerchantConsent, f.HasMediator)
					}
				}
			case StatusMediating:
				if cur == StatusAssigned && (!f.ConsumerConsent || !f.MerchantConsent || !f.HasMediator) {
					fail(w, step, "mediation started with consents %v/%v mediator %v", f.ConsumerConsent, f.MerchantConsent, f.HasMediator)
				}
			case StatusSuspended:
				if !slices.Contains(trSuspendable, cur) || !SuspendReasons.Has(f.ReasonCode) {
					fail(w, step, "suspended from %s with reason %q", cur, f.ReasonCode)
				}
				prev = cur
			case StatusAgreed:
				if cur != StatusMediating || !f.AgreementComplete {
					fail(w, step, "agreed from %s with complete=%v", cur, f.AgreementComplete)
				}
			case StatusPerforming:
				if cur != StatusAgreed || !f.AgreementEffective {
					fail(w, step, "performing from %s with effective=%v", cur, f.AgreementEffective)
				}
			case StatusFollowedUp:
				if cur != StatusPerforming || !f.FollowUpRecorded {
					fail(w, step, "followed up from %s with recorded=%v", cur, f.FollowUpRecorded)
				}
			case StatusTerminated:
				if !TerminateReasons.Has(f.ReasonCode) {
					fail(w, step, "terminated with reason %q", f.ReasonCode)
				}
			case StatusArchived:
				if !f.CaseFileComplete || !slices.Contains(trArchivableFrom, cur) {
					fail(w, step, "archived from %s with file complete=%v", cur, f.CaseFileComplete)
				}
				// Nothing follows archived, even with every guard satisfied.
				for _, x := range Actions {
					if s, err := Next(x, trGoodFacts(StatusArchived, x)); err == nil {
						fail(w, step, "%s followed archived, leading to %s", x, s)
					}
				}
			}
			if cur == StatusSuspended && a == ActionResume {
				if got != prev {
					fail(w, step, "resume led to %s, suspended from %s", got, prev)
				}
				resumedTo[got]++
			}
			if (got == StatusAssigned || got == StatusMediating) && !consentedAtAssign {
				fail(w, step, "%s reached without both consents at assignment", got)
			}
			if got != StatusSuspended && cur == StatusSuspended {
				prev = ""
			}

			edges[cur][a]++
			reached[got]++
			cur = got
		}
	}

	for _, s := range Statuses {
		if reached[s] == 0 {
			t.Errorf("status %s never reached in %d walks", s, walks)
		}
		for a := range trMatrix[s] {
			if edges[s][a] == 0 {
				t.Errorf("edge %s --%s--> never taken in %d walks", s, a, walks)
			}
		}
	}
	for _, s := range trSuspendable {
		if resumedTo[s] == 0 {
			t.Errorf("never resumed to %s in %d walks", s, walks)
		}
	}
	if failures > 20 {
		t.Errorf("%d invariant failures in total (first 20 shown)", failures)
	}
	t.Logf("statuses reached: %v", reached)
}

// TestAllowedAgreesWithMatrix: Allowed lists exactly the matrix row, in Actions order.
func TestAllowedAgreesWithMatrix(t *testing.T) {
	for _, s := range Statuses {
		var want []Action
		for _, a := range Actions {
			if _, ok := trMatrix[s][a]; ok {
				want = append(want, a)
			}
		}
		if got := Allowed(s); !slices.Equal(got, want) {
			t.Errorf("Allowed(%s) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []Status{"", "bogus"} {
		if got := Allowed(s); len(got) != 0 {
			t.Errorf("Allowed(%q) = %v, want none", s, got)
		}
	}
	if got := Allowed(StatusArchived); len(got) != 0 {
		t.Errorf("Allowed(archived) = %v, want none", got)
	}
}

// TestStatusPredicates checks Valid, Terminal and Open against hand-written sets.
func TestStatusPredicates(t *testing.T) {
	closed := []Status{StatusRejected, StatusFollowedUp, StatusTerminated, StatusWithdrawn, StatusArchived}
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("%s not Valid", s)
		}
		if got, want := s.Terminal(), s == StatusArchived; got != want {
			t.Errorf("%s.Terminal() = %v, want %v", s, got, want)
		}
		if got, want := s.Open(), !slices.Contains(closed, s); got != want {
			t.Errorf("%s.Open() = %v, want %v", s, got, want)
		}
		// Terminal states have no outgoing edge; others have at least one.
		if got := len(trMatrix[s]) == 0; got != s.Terminal() {
			t.Errorf("%s: no outgoing edge = %v but Terminal = %v", s, got, s.Terminal())
		}
	}
	for _, s := range []Status{"", "bogus", "Received", "archived "} {
		if s.Valid() {
			t.Errorf("%q is Valid", s)
		}
	}
}

// trCheckLabels checks that every code in a list has a unique Chinese label
// different from the code, that the list has no duplicates and covers the label
// map, and that unknown codes fall back to themselves.
func trCheckLabels[T ~string](t *testing.T, kind string, list []T, labels map[T]string, label func(T) string, valid func(T) bool) {
	t.Helper()
	if len(list) != len(labels) {
		t.Errorf("%s: list has %d entries, label map %d", kind, len(list), len(labels))
	}
	seenCode := map[T]bool{}
	seenLabel := map[string]T{}
	for _, c := range list {
		if seenCode[c] {
			t.Errorf("%s: %q listed twice", kind, c)
		}
		seenCode[c] = true
		if c == "" {
			t.Errorf("%s: empty code listed", kind)
		}
		l := label(c)
		if l == "" || l == string(c) || !trHasCJK(l) {
			t.Errorf("%s %q: label %q is not Chinese", kind, c, l)
		}
		if other, dup := seenLabel[l]; dup {
			t.Errorf("%s: %q and %q share the label %q", kind, other, c, l)
		}
		seenLabel[l] = c
		if !valid(c) {
			t.Errorf("%s %q not Valid", kind, c)
		}
	}
	for _, c := range []T{"", "bogus"} {
		if got := label(c); got != string(c) {
			t.Errorf("%s: label of unknown %q = %q, want the code", kind, c, got)
		}
		if valid(c) {
			t.Errorf("%s: unknown %q is Valid", kind, c)
		}
	}
}

func TestLabels(t *testing.T) {
	trCheckLabels(t, "Status", Statuses, statusLabels, Status.Label, Status.Valid)
	trCheckLabels(t, "Action", Actions, actionLabels, Action.Label, func(a Action) bool { _, ok := actionLabels[a]; return ok })
	trCheckLabels(t, "Channel", Channels, channelLabels, Channel.Label, Channel.Valid)
	trCheckLabels(t, "Role", Roles, roleLabels, Role.Label, Role.Valid)
	trCheckLabels(t, "OrgKind", OrgKinds, orgKindLabels, OrgKind.Label, OrgKind.Valid)
	if len(Actions) != len(transitions) {
		t.Errorf("Actions has %d entries, transitions %d", len(Actions), len(transitions))
	}
}

func TestReasons(t *testing.T) {
	lists := map[string]Reasons{"reject": RejectReasons, "suspend": SuspendReasons, "terminate": TerminateReasons}
	owner := map[string]string{}
	for name, rs := range lists {
		if len(rs) == 0 {
			t.Errorf("%s reasons empty", name)
		}
		for _, r := range rs {
			if r.Code == "" || strings.TrimSpace(r.Code) != r.Code {
				t.Errorf("%s: bad code %q", name, r.Code)
			}
			if r.Label == "" || r.Label == r.Code || !trHasCJK(r.Label) {
				t.Errorf("%s %s: label %q is not Chinese", name, r.Code, r.Label)
			}
			// Codes are unique within a list and across lists, since a case
			// carries one ReasonCode field whatever the action.
			if other, dup := owner[r.Code]; dup {
				t.Errorf("code %q in both %s and %s", r.Code, other, name)
			}
			owner[r.Code] = name
			if !rs.Has(r.Code) {
				t.Errorf("%s.Has(%q) = false", name, r.Code)
			}
			if got := rs.Label(r.Code); got != r.Label {
				t.Errorf("%s.Label(%q) = %q, want %q", name, r.Code, got, r.Label)
			}
		}
		for _, junk := range []string{"", "junk", " " + rs[0].Code, strings.ToUpper(rs[0].Code)} {
			if rs.Has(junk) {
				t.Errorf("%s.Has(%q) = true", name, junk)
			}
			if got := rs.Label(junk); got != junk {
				t.Errorf("%s.Label(%q) = %q, want the code back", name, junk, got)
			}
		}
	}
	var empty Reasons
	if empty.Has("") || empty.Label("x") != "x" {
		t.Error("empty Reasons misbehave")
	}
}

func TestCaseNumber(t *testing.T) {
	for _, c := range []struct {
		year int
		abbr string
		seq  int64
		want string
	}{
		{2026, "浦", 123, "（2026）浦消调字第00123号"},
		{2026, "浦", 1, "（2026）浦消调字第00001号"},
		{2025, "徐汇", 99999, "（2025）徐汇消调字第99999号"},
		{2027, "浦", 123456, "（2027）浦消调字第123456号"}, // wider, never truncated
	} {
		if got := CaseNumber(c.year, c.abbr, c.seq); got != c.want {
			t.Errorf("CaseNumber(%d, %q, %d) = %q, want %q", c.year, c.abbr, c.seq, got, c.want)
		}
	}
}

// A search that is a whole case number is answered by the number's index
// (the store), so only the whole form counts, typed any way.
func TestIsCaseNumber(t *testing.T) {
	for typed, want := range map[string]bool{
		"（2026）浦消调字第00123号":     true,
		"(2026)浦消调字第00123号":     true,
		"（２０２６）徐汇消调字第 123456 号": true,
		"(2026) 浦 消调字第 00123 号": true,
		"（2026）浦消调字第00123":      false, // no 号: a part of a number
		"浦消调字第00123号":           false,
		"（2026）消调字第00123号":      false, // no committee
		"（2026）浦消调字第号":          false,
		"（2026）浦消调字第00a23号":     false,
		"（26）浦消调字第00123号":       false,
		"（2026）一二三四五消调字第1号":     false,
		"（2026）浦消调字第00123号 退款":  false,
		"":      false,
		"00123": false,
	} {
		if got := IsCaseNumber(NormalizeCaseNumber(typed)); got != want {
			t.Errorf("IsCaseNumber(%q) = %v, want %v", typed, got, want)
		}
	}
}

func TestFormatFen(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{99999, "999.99"},
		{100000, "1,000.00"},
		{123456, "1,234.56"},
		{12345678, "123,456.78"},
		{100000000, "1,000,000.00"},
		{100000000000, "1,000,000,000.00"},
		{math.MaxInt64, "92,233,720,368,547,758.07"},
		{-1, "-0.01"},
		{-5, "-0.05"},
		{-123456, "-1,234.56"},
		{-100000000, "-1,000,000.00"},
	} {
		if got := FormatFen(c.fen); got != c.want {
			t.Errorf("FormatFen(%d) = %q, want %q", c.fen, got, c.want)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"", 0},
		{"0", 0},
		{"1234.5", 123450},
		{"1234.56", 123456},
		{"1,234.50", 123450},
		{"1,234.5", 123450},
		{"0.01", 1},
		{".5", 50},
		{"  88  ", 8800},
		{"100元", 10000},
		{"１２３", 12300},
		{"１２３元", 12300},
		{"１，２３４．５", 123450},
		{"\u3000１２\u3000", 1200}, // ideographic spaces
		{"1000000000", 100000000000},
	} {
		got, err := ParseYuan(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"1.234", "1.", ".", "abc", "-5", "1000000001", "12a", "1e3", "0x10", "¥5", "1.2.3", "5元元"} {
		got, err := ParseYuan(in)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("ParseYuan(%q) = %d, %v; want a *FieldError", in, got, err)
			continue
		}
		if got != 0 {
			t.Errorf("ParseYuan(%q) returned %d with its error", in, got)
		}
		if fe.Field != "claim_amount" || !trHasCJK(fe.Message) {
			t.Errorf("ParseYuan(%q): error %+v", in, fe)
		}
	}
}

// TestFormatParseRoundTrip: ParseYuan reads back what FormatFen writes.
func TestFormatParseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 5000; i++ {
		fen := rng.Int64N(100_000_000_001) // up to 10亿元
		if i < 3 {
			fen = []int64{0, 1, 100_000_000_000}[i]
		}
		s := FormatFen(fen)
		got, err := ParseYuan(s)
		if err != nil || got != fen {
			t.Fatalf("ParseYuan(FormatFen(%d) = %q) = %d, %v", fen, s, got, err)
		}
	}
}

func TestResumeIntoMediationRechecksConsent(t *testing.T) {
	for _, prev := range []Status{StatusAssigned, StatusMediating} {
		f := Facts{Status: StatusSuspended, PrevStatus: prev, ConsumerConsent: true, MerchantConsent: false, HasMediator: true}
		if _, err := Next(ActionResume, f); err == nil {
			t.Fatalf("resume into %s without merchant consent allowed", prev)
		}
		f.MerchantConsent = true
		if got, err := Next(ActionResume, f); err != nil || got != prev {
			t.Fatalf("resume into %s: %v %v", prev, got, err)
		}
	}
	if got, err := Next(ActionResume, Facts{Status: StatusSuspended, PrevStatus: StatusAccepted}); err != nil || got != StatusAccepted {
		t.Fatalf("resume into accepted needs no consent: %v %v", got, err)
	}
}
