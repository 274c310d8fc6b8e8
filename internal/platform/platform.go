// Package platform builds the capability services once, the same way for
// `serve`, the command-line tools, the benchmarks and the tests, so the
// service graph cannot drift between them.
package platform

import (
	"context"
	"log/slog"
	"time"

	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/audittrail"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletin"
	"github.com/tiaojie/tiaojie/internal/casebook"
	"github.com/tiaojie/tiaojie/internal/casefile"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/consultation"
	"github.com/tiaojie/tiaojie/internal/contracting"
	"github.com/tiaojie/tiaojie/internal/conversation"
	"github.com/tiaojie/tiaojie/internal/corps"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/dedup"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/feedback"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/leads"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/online"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/privacy"
	"github.com/tiaojie/tiaojie/internal/progress"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/smartsync"
	"github.com/tiaojie/tiaojie/internal/standards"
	"github.com/tiaojie/tiaojie/internal/statistics"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/training"
)

// Config is what the services are built from.
type Config struct {
	Store     store.Store
	Sealer    *pii.Sealer
	Log       *slog.Logger
	PublicURL string // where parties' links point
	// Sender sends SMS; nil: the SMS queue (every message an outbox row and
	// a job, delivered by SMSDeliverer).
	Sender notify.Sender
	// SMSDeliverer hands queued SMS to a gateway; nil: the outbox alone
	// (the default and the demo).
	SMSDeliverer notify.Deliverer
	SMSSignature string
	Dedup        dedup.Settings // zero: the defaults
	Court        *court.Client  // nil: applications stay on the court liaison's page
	Now          func() time.Time
	// Jobs tunes the job queue (its driver comes from the store).
	Jobs jobs.Config
	// SmartMediation is the link to the smart-mediation platform (off when
	// its URL is empty).
	SmartMediation smartsync.Config
	// DailyDeadline is when the day's reports are due, HH:MM (default 10:00).
	DailyDeadline string
	// WarningInterval is how often the 预警 sweep runs (0: every minute).
	WarningInterval time.Duration
}

// Services are the capabilities, wired to one store and one SMS sender.
type Services struct {
	store  store.Store // for the sweeps only: pages and the API reach data through the services
	Log    *slog.Logger
	Sender notify.Sender
	Auth   *auth.Service
	Intake *intake.Service
	// Complaints registers complaints filed over HTTP (API and web form)
	// through Intake, grouping concurrent ones into shared transactions.
	Complaints   *intake.Batcher
	Ingest       *ingest.Service
	Diversion    *diversion.Service
	Grouping     *grouping.Service
	Consent      *consent.Service
	Online       *online.Service
	Assignment   *assignment.Service
	Mediation    *mediation.Service
	Consultation *consultation.Service
	Agreement    *agreement.Service
	Talk         *conversation.Service
	AuditTrail   *audittrail.Service
	Leads        *leads.Service
	Desk         *desk.Service
	Progress     *progress.Service
	// Jobs is the durable job queue: outbound work and periodic sweeps.
	Jobs     *jobs.Queue
	CaseFile *casefile.Service
	// Administration: users, keys, the org tree, calendar and policies.
	Administration *administration.Service
	// Scorecard: performance evaluation (绩效评估) from the event log.
	Scorecard *scorecard.Service
	// Sync keeps the smart-mediation platform up to date.
	Sync *smartsync.Service
	// Liaison (联络) and room standards (标准引领).
	Liaison   *liaison.Service
	Standards *standards.Service
	// Corps: the mediator registry (队伍), profile and grades.
	Corps *corps.Service
	// DailyReport: the daily reports (日报) and their weekly and monthly summaries.
	DailyReport *dailyreport.Service
	// Contracts: purchased mediation services (购买服务), assessments and statements.
	Contracts *contracting.Service
	// Warnings: 预警 rules, sweeps, escalation, 催办/督办. Its Phones
	// (recipients' mobiles for SMS) is nil until the mediator registry
	// supplies them: notices are then in-app only.
	Warnings        *alerting.Service
	warningInterval time.Duration
	// Meetings (例会) and Trainings (培训): two of the five routines.
	Meetings  *meeting.Service
	Trainings *training.Service
	// Subsidies: per-case subsidies (个案补贴), the monthly settlement.
	Subsidies *settlement.Service
	// Statistics: the official statistics forms (统计报表).
	Statistics *statistics.Service
	// Library: the typical-case library (典型案例), anonymised and published.
	Library *casebook.Service
	// Feedback: the 12315 result feedback of diverted complaints.
	Feedback *feedback.Service
	// Analysis: 分析研判 dashboards and hot lists, and their rollups.
	Analysis *analysis.Service
	// Bulletins: the monthly 情况通报, sent through Liaison.
	Bulletins *bulletin.Service
	// Privacy: reveals of parties' data on record, data requests, retention.
	Privacy *privacy.Service
}

// New builds every service and the job queue with their workers and
// periodic sweeps; Start begins working the queue.
func New(c Config) (*Services, error) {
	st, s := c.Store, c.Sealer
	jc := c.Jobs
	jc.Driver, jc.Store, jc.Log = st.QueueDriver(), st, c.Log
	queue, err := jobs.New(jc)
	if err != nil {
		return nil, err
	}
	var sender notify.Sender = smsQueue(c, queue)
	if c.Sender != nil {
		sender = c.Sender
	}
	div := &diversion.Service{Store: st, Now: c.Now}
	grp := &grouping.Service{Store: st, Settings: c.Dedup, Sealer: s, Sender: sender, Now: c.Now}
	clocks := &deadline.Memo{} // the lists' clocks, by what they are computed from
	in := &intake.Service{Store: st, Sealer: s, Router: div, Duplicates: grp, Now: c.Now, Clocks: clocks}
	agr := &agreement.Service{Store: st, Sealer: s, Sender: sender, BaseURL: c.PublicURL, Now: c.Now, Log: c.Log}
	if c.Court != nil {
		agr.Court = c.Court
	}
	svc := &Services{
		store: st, Log: c.Log, Sender: sender,
		Auth:         &auth.Service{Store: st, Sealer: s, Sender: sender, Log: c.Log, Now: c.Now},
		Intake:       in,
		Complaints:   &intake.Batcher{Service: in},
		Ingest:       &ingest.Service{Store: st, Intake: in, Sealer: s, Now: c.Now, Queue: queue, Dedup: dedupInTx(grp), Slice: importSlice(queue.RescueAfter())},
		Diversion:    div,
		Grouping:     grp,
		Consent:      &consent.Service{Store: st, Sealer: s, Sender: sender, BaseURL: c.PublicURL, Now: c.Now},
		Online:       &online.Service{Store: st, Intake: in, Sender: sender, Sealer: s, Now: c.Now},
		Assignment:   &assignment.Service{Store: st, Now: c.Now},
		Mediation:    &mediation.Service{Store: st, Sender: sender, Sealer: s, Now: c.Now},
		Consultation: &consultation.Service{Store: st, Now: c.Now},
		Agreement:    agr,
		Talk:         &conversation.Service{Store: st, Sealer: s, Sender: sender, BaseURL: c.PublicURL, Hub: &conversation.Hub{}, Now: c.Now},
		AuditTrail:   &audittrail.Service{Store: st},
		Leads:        &leads.Service{Store: st, Now: c.Now},
		Desk:         &desk.Service{Store: st, Now: c.Now, Clocks: clocks},
		Progress:     &progress.Service{Store: st, Sender: sender, Sealer: s, Now: c.Now},
		Jobs:         queue,
		CaseFile:     &casefile.Service{Store: st},
		Scorecard:    &scorecard.Service{Store: st, Log: c.Log, Now: c.Now},
	}
	svc.Warnings = &alerting.Service{Store: st, Sender: sender, Log: c.Log, Now: c.Now}
	svc.warningInterval = c.WarningInterval
	if svc.warningInterval <= 0 {
		svc.warningInterval = time.Minute
	}
	svc.Administration = &administration.Service{Store: st, Issuer: svc.Auth, Now: c.Now}
	svc.Corps = &corps.Service{Store: st, Sealer: s, Now: c.Now}
	svc.DailyReport = &dailyreport.Service{Store: st, Scorecard: svc.Scorecard, Desk: svc.Desk, Log: c.Log, Now: c.Now, Deadline: c.DailyDeadline}
	svc.Meetings = &meeting.Service{Store: st, Figures: svc.Scorecard, Now: c.Now}
	svc.Trainings = &training.Service{Store: st, Now: c.Now}
	svc.Sync = &smartsync.Service{Store: st, Jobs: queue, Link: c.SmartMediation, Log: c.Log, Now: c.Now}
	svc.Sync.Register(queue)
	svc.Liaison = &liaison.Service{Store: st, Sealer: s, Sender: sender, Scorecard: svc.Scorecard, Now: c.Now}
	svc.Standards = &standards.Service{Store: st, Scorecard: svc.Scorecard, Now: c.Now}
	svc.Subsidies = &settlement.Service{Store: st, CatchUp: svc.Scorecard.CatchUp, SyncRequired: c.SmartMediation.URL != "", SyncSince: c.SmartMediation.Since, Now: c.Now}
	svc.Contracts = &contracting.Service{Store: st, Scorecard: svc.Scorecard, Now: c.Now}
	svc.Statistics = &statistics.Service{Store: st, Scorecard: svc.Scorecard, Now: c.Now}
	svc.Library = &casebook.Service{Store: st, Sealer: s, Now: c.Now}
	svc.Feedback = &feedback.Service{Store: st, Now: c.Now}
	svc.Bulletins = &bulletin.Service{Store: st, Scorecard: svc.Scorecard, Liaison: svc.Liaison, Now: c.Now}
	queue.Periodic("bulletins", time.Hour, func(ctx context.Context) error { // drafts last month's after month end
		n, err := svc.Bulletins.DraftDue(ctx)
		if n > 0 {
			svc.Log.Info("monthly bulletins drafted", "bulletins", n)
		}
		return err
	})
	svc.wireRoutines()
	st.OnEvents(svc.Sync.Hook)
	svc.Analysis = &analysis.Service{Store: st, Scorecard: svc.Scorecard, Log: c.Log, Now: c.Now}
	svc.Analysis.Register(queue)
	svc.wireBulletins()
	svc.wirePrivacy(queue, s, c.Now)
	svc.registerCourt()
	svc.registerImports(queue)
	for _, j := range svc.sweeps() {
		queue.Periodic(j.Name, j.Every, j.Run)
	}
	return svc, nil
}

// Start works the job queue and hears the other instances' live
// conversations until Shutdown.
func (s *Services) Start(ctx context.Context) error {
	if err := s.relayTalk(ctx); err != nil {
		return err
	}
	return s.Jobs.Start(ctx)
}

// sweeps are the periodic jobs; the queue's leader schedules each, so one
// instance runs it at a time.
func (s *Services) sweeps() []jobs.Job {
	out := []jobs.Job{
		{Name: "sessions", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.store.SessionDeleteExpired(ctx, time.Now())
			return err
		}},
		{Name: "consent", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			_, _, err := s.Consent.Sweep(ctx)
			return err
		}},
		{Name: "session-reminders", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.Mediation.SweepReminders(ctx)
			return err
		}},
		{Name: "evaluation", Every: 10 * time.Second, Run: func(ctx context.Context) error {
			_, err := s.Scorecard.CatchUp(ctx)
			return err
		}},
		{Name: "daily-reports", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			n, err := s.DailyReport.DraftToday(ctx)
			if n > 0 {
				s.Log.Info("daily reports drafted", "reports", n)
			}
			return err
		}},
		{Name: "warnings", Every: s.warningInterval, Run: func(ctx context.Context) error {
			r, err := s.Warnings.Sweep(ctx)
			if r.Raised+r.Resolved+r.Steps > 0 {
				s.Log.Info("warning sweep", "raised", r.Raised, "resolved", r.Resolved, "escalation_steps", r.Steps)
			}
			return err
		}},
		{Name: "due-dates", Every: 30 * time.Second, Run: func(ctx context.Context) error {
			// The clock lists' stored due dates (internal/desk/dueindex.go):
			// until this has run they compute the clocks on read.
			r, err := s.Desk.RefreshDue(ctx)
			if r.Computed+r.Moved > 0 {
				s.Log.Info("due dates refreshed", "full", r.Full, "computed", r.Computed, "stored", r.Stored, "floating_moved", r.Moved)
			}
			return err
		}},
		{Name: "odr", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			n, err := s.Diversion.SweepODR(ctx)
			if n > 0 {
				s.Log.Info("odr negotiations past their deadline moved on to mediation", "cases", n)
			}
			return err
		}},
	}
	if s.Agreement.Court != nil {
		out = append(out, jobs.Job{Name: "judicial-sync", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			n, err := s.Agreement.SyncJudicial(ctx)
			if n > 0 {
				s.Log.Info("court outcomes recorded", "applications", n)
			}
			return err
		}})
	}
	return out
}

// Shutdown stops the background work and ends live streams; the caller has
// stopped accepting requests first and closes the database after.
func (s *Services) Shutdown(ctx context.Context) error {
	s.Talk.Hub.Close()
	return s.Jobs.Stop(ctx)
}
