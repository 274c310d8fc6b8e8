package demo

import (
	"context"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/leads"
	"github.com/tiaojie/tiaojie/internal/platform"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/consultation"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Showcase is what the demo drove through the platform's own services in
// each district, so every capability has something to show: the cases in
// each state and the links a party would receive by SMS.
type Showcase struct {
	District  string
	Archived  string   // number of the case archived with its sealed written agreement
	Judicial  []string // numbers of the cases whose applications are submitted, accepted, confirmed, rejected
	SignLinks []PartyLink
	RateLinks []PartyLink
	Cases     int // cases the showcase registered
}

// captureSender records every SMS the services send (the demo reads the
// verification codes and links from them) and passes it on to the outbox,
// where the admin sees it as with any other message.
type captureSender struct {
	mu   sync.Mutex
	out  notify.Sender
	sent []notify.Message
}

func (s *captureSender) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return s.out.Send(ctx, m)
}

// SendTx records m in the services' transaction, as the platform's sender does.
func (s *captureSender) SendTx(ctx context.Context, tx store.Store, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return notify.SendTx(ctx, s.out, tx, m)
}

var (
	codeRe = regexp.MustCompile(`验证码为(\d+)`)
	linkRe = regexp.MustCompile(`/(sign|rate)/([A-Za-z0-9_-]{20,64})`)
)

// last finds the newest message to phone of kind and the first submatch of re in it.
func (s *captureSender) last(phone, kind string, re *regexp.Regexp) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.sent) - 1; i >= 0; i-- {
		m := s.sent[i]
		if m.To == phone && m.Kind == kind {
			return re.FindStringSubmatch(m.Body)
		}
	}
	return nil
}

// officeClock is the showcase's "now": every reading moves it a few minutes
// on, within office hours of working days, so the events it stamps follow
// each other as they would in a room.
type officeClock struct {
	t   time.Time
	cal *calendar.Calendar
}

func (c *officeClock) now() time.Time {
	c.advance(3, 0)
	return c.t
}

// advance moves the clock step minutes on, to the next working morning when
// fewer than need minutes of the office day would be left: steps that must
// happen together (an SMS code and its use) stay on one day.
func (c *officeClock) advance(step, need int) {
	c.t = c.t.Add(time.Duration(step) * time.Minute)
	local := c.t.In(calendar.Shanghai())
	if m := local.Hour()*60 + local.Minute(); m+need >= dayEnd-10 || m < dayStart {
		d := calendar.DateOf(c.t)
		if m >= dayStart {
			d = d.AddDays(1)
		}
		for !c.cal.IsWorkday(d) {
			d = d.AddDays(1)
		}
		c.t = d.Time().Add(dayStart*time.Minute + 5*time.Minute)
	}
}

// services are the capability services the showcase uses, all on its clock.
type services struct {
	st        store.Store
	sealer    *pii.Sealer
	sms       *captureSender
	clock     *officeClock
	auth      *auth.Service
	intake    *intake.Service
	consent   *consent.Service
	assign    *assignment.Service
	mediation *mediation.Service
	agreement *agreement.Service
	consult   *consultation.Service
	grouping  *grouping.Service
	leads     *leads.Service
}

func newServices(st store.Store, sealer *pii.Sealer, clk *officeClock) (*services, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sms := &captureSender{out: &notify.OutboxSender{Outbox: consent.Outbox{Store: st}, Hash: sealer.Hash, Log: log, Signature: "消调委"}}
	// The platform's own wiring, on the showcase's clock.
	p, err := platform.New(platform.Config{Store: st, Sealer: sealer, Log: log, Sender: sms, Now: clk.now})
	if err != nil {
		return nil, err
	}
	return &services{st: st, sealer: sealer, sms: sms, clock: clk, auth: p.Auth, intake: p.Intake, consent: p.Consent,
		assign: p.Assignment, mediation: p.Mediation, agreement: p.Agreement, consult: p.Consultation, grouping: p.Grouping, leads: p.Leads}, nil
}

// showcaseStart is how many working days before now the showcase's first
// case is registered: long enough for every step to lie in the past, short
// enough for a judicial application to fall within thirty days of effect.
const showcaseStart = 12

// buildShowcases drives cases of both districts through every capability.
func buildShowcases(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) ([]Showcase, error) {
	rules, err := deadline.Load(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("demo: showcase: %w", err)
	}
	d := calendar.DateOf(now)
	for n := 0; n < showcaseStart; {
		d = d.AddDays(-1)
		if rules.Calendar.IsWorkday(d) {
			n++
		}
	}
	clk := &officeClock{t: d.Time().Add(dayStart * time.Minute), cal: rules.Calendar}
	svc, err := newServices(st, sealer, clk)
	if err != nil {
		return nil, err
	}
	var out []Showcase
	for _, dist := range showcaseDistricts {
		sc, err := svc.district(ctx, dist)
		if err != nil {
			return out, fmt.Errorf("demo: showcase of %s: %w", dist.name, err)
		}
		if !clk.t.Before(now) {
			return out, fmt.Errorf("demo: showcase of %s ran past now", dist.name)
		}
		out = append(out, sc)
	}
	return out, nil
}
