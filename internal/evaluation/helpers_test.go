package evaluation

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// at parses "2006-01-02" (10:00) or "2006-01-02 15:04", Shanghai time.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02") {
		s += " 10:00"
	}
	t, err := time.ParseInLocation(layout, s, calendar.Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// hist builds a case's event log in order.
type hist struct{ c Case }

func newCase(id int64, received string) *hist {
	h := &hist{c: Case{ID: id, ReceivedAt: at(received)}}
	return h.ev("received", received, "")
}

func (h *hist) ev(typ, when, data string) *hist {
	h.c.Events = append(h.c.Events, Event{Type: typ, At: at(when), Data: data})
	return h
}

func (h *hist) note(typ, when, note, data string) *hist {
	h.c.Events = append(h.c.Events, Event{Type: typ, At: at(when), Note: note, Data: data})
	return h
}

// mediating: accepted, consented, assigned to mediator and mediation begun.
func (h *hist) mediating(accept, start string, mediator int64) *hist {
	h.c.PresidingID = mediator
	return h.ev("accept", accept, "").ev("request_consent", accept, "").
		ev("assign", start, "").ev("start_mediation", start, "")
}

func (h *hist) agreed(when string, fen int64, kind string) *hist {
	return h.ev("reach_agreement", when, `{"agreed_fen":`+itoa(fen)+`,"kind":"`+kind+`"}`)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var cal = calendar.New(nil)

func rules() Rules { return Rules{Calendar: cal} }

func (h *hist) facts() Facts { return Derive(rules(), h.c, time.Time{}) }

func ids(v ...int64) []int64 {
	if v == nil {
		return []int64{}
	}
	slices.Sort(v)
	return v
}

func sameIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: cases %v, want %v", what, got, want)
	}
}
