// Package smartsync keeps the smart-mediation platform (上海智慧调解平台)
// up to date with our cases through the job queue: a case is queued in the
// transaction that accepts, closes or archives it (a store event hook), a
// worker builds its record (internal/smartmediation) and upserts it, the
// platform's id is kept on the case, a nightly reconciliation lists what
// differs, and an XLSX export serves districts without API access.
package smartsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Config is the link to the platform.
type Config struct {
	URL    string // "" : the link is off
	APIKey string
	HTTP   *http.Client
	// Since is the day the link went live (YYYY-MM-DD; "" : always was):
	// subsidies ask a sync only of cases closed from then on.
	Since string
}

// Service syncs cases and reports on the sync.
type Service struct {
	Store store.Store
	Jobs  *jobs.Queue
	Link  Config
	Codes *smartmediation.Codes // nil: the default tables
	Log   *slog.Logger
	Now   func() time.Time
}

// On reports whether the link to the platform is configured.
func (s *Service) On() bool { return s.Link.URL != "" }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) codes() *smartmediation.Codes {
	if s.Codes != nil {
		return s.Codes
	}
	return smartmediation.DefaultCodes()
}

// client is the platform client acting for one committee.
func (s *Service) client(committeeCode string) *smartmediation.Client {
	return &smartmediation.Client{BaseURL: s.Link.URL, APIKey: s.Link.APIKey, CommitteeCode: committeeCode, HTTP: s.Link.HTTP}
}

// Triggers reports whether an event changes what the platform must hold:
// the case was accepted, reached an outcome, was performed or followed
// up, or was archived. Other events (notes, sessions) wait for the next.
func Triggers(ev store.Event) bool {
	if ev.ToStatus == ev.FromStatus {
		return false
	}
	switch ev.ToStatus {
	case domain.StatusAccepted, domain.StatusAgreed, domain.StatusPerforming, domain.StatusFollowedUp,
		domain.StatusTerminated, domain.StatusWithdrawn, domain.StatusArchived:
		return true
	}
	return false
}

// CaseArgs syncs one case: the worker sends what the case is when it runs.
type CaseArgs struct {
	CaseID int64 `json:"case_id"`
}

func (CaseArgs) Kind() string { return "smart_mediation_sync" }

// InsertOpts: one job per case at a time (waiting or running). A change
// while one runs is caught by the worker itself: it compares the case's
// version when it finishes and queues the case again if it moved.
func (CaseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueSync, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
}

// Hook queues a sync in the transaction that writes a triggering event.
// It does nothing while the link is off.
func (s *Service) Hook(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
	if !s.On() {
		return nil
	}
	var params []river.InsertManyParams
	seen := map[int64]bool{}
	for _, ev := range evs {
		if Triggers(ev) && !seen[ev.CaseID] {
			seen[ev.CaseID] = true
			params = append(params, jobs.Insert(CaseArgs{CaseID: ev.CaseID}, nil))
		}
	}
	return s.Jobs.InsertTx(ctx, tx, params...)
}

// Queue syncs cases now (a backfill, a retry from the sync page).
func (s *Service) Queue(ctx context.Context, ids ...int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = jobs.Insert(CaseArgs{CaseID: id}, nil)
	}
	return s.Jobs.Enqueue(ctx, s.Store, "queue smart-mediation sync", params...)
}

// Register adds the workers and the nightly reconciliation to the queue.
func (s *Service) Register(q *jobs.Queue) {
	jobs.Register(q, &caseWorker{s: s})
	jobs.Register(q, &backfillWorker{s: s})
	q.Periodic("smart-mediation-reconcile", 24*time.Hour, func(ctx context.Context) error {
		if !s.On() {
			return nil
		}
		_, err := s.ReconcileAll(ctx)
		return err
	})
}

// codesOf are the platform codes of a case's committee and room.
func (s *Service) codesOf(ctx context.Context, c store.Case) (committee, room store.OrgUnit, err error) {
	committee, err = s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return committee, room, fmt.Errorf("committee of case %d: %w", c.ID, err)
	}
	if c.RoomID != 0 {
		room, err = s.Store.GetOrgUnit(ctx, c.RoomID)
		if err != nil {
			return committee, room, fmt.Errorf("room of case %d: %w", c.ID, err)
		}
	}
	return committee, room, nil
}

// MediatorCode is how the platform knows one of our mediators: the
// committee's code and the user's number (never the sign-in name).
func MediatorCode(committeeCode string, userID int64) string {
	return fmt.Sprintf("%s-M%06d", committeeCode, userID)
}

// Source gathers what a case's record is built from.
func (s *Service) Source(ctx context.Context, caseID int64) (smartmediation.CaseSource, []store.CaseMediator, error) {
	c, err := s.Store.GetCase(ctx, caseID)
	if err != nil {
		return smartmediation.CaseSource{}, nil, fmt.Errorf("load case %d: %w", caseID, err)
	}
	committee, room, err := s.codesOf(ctx, c)
	if err != nil {
		return smartmediation.CaseSource{}, nil, err
	}
	src := smartmediation.CaseSource{Case: c, CommitteeCode: committee.Code, RoomCode: room.Code, AsOf: s.now(), Codes: s.codes()}
	if a, err := s.Store.GetAgreement(ctx, caseID); err == nil {
		src.Agreement = &a
	} else if !errors.Is(err, store.ErrNotFound) {
		return src, nil, fmt.Errorf("agreement of case %d: %w", caseID, err)
	}
	fus, err := s.Store.ListFollowUps(ctx, caseID)
	if err != nil {
		return src, nil, fmt.Errorf("follow-ups of case %d: %w", caseID, err)
	}
	if n := len(fus); n > 0 {
		src.Satisfaction = fus[n-1].Satisfaction
	}
	sessions, err := s.Store.ListSessions(ctx, store.SessionQuery{CaseID: caseID, Status: "held"})
	if err != nil {
		return src, nil, fmt.Errorf("sessions of case %d: %w", caseID, err)
	}
	for _, se := range sessions {
		if src.MediatedAt == nil || se.StartsAt.After(*src.MediatedAt) {
			t := se.StartsAt
			src.MediatedAt = &t
		}
	}
	evs, err := s.Store.ListEvents(ctx, caseID)
	if err != nil {
		return src, nil, fmt.Errorf("events of case %d: %w", caseID, err)
	}
	for _, ev := range evs {
		if ev.Type == string(domain.ActionODRSettled) {
			src.ODRSettled = true
		}
	}
	ms, err := s.Store.ListCaseMediators(ctx, caseID)
	if err != nil {
		return src, nil, fmt.Errorf("mediators of case %d: %w", caseID, err)
	}
	for _, m := range ms { // presiding first
		if m.Presiding {
			src.MediatorCodes = append([]string{MediatorCode(committee.Code, m.UserID)}, src.MediatorCodes...)
		} else {
			src.MediatorCodes = append(src.MediatorCodes, MediatorCode(committee.Code, m.UserID))
		}
	}
	if len(ms) == 0 && c.PresidingID != 0 {
		src.MediatorCodes = []string{MediatorCode(committee.Code, c.PresidingID)}
		ms = []store.CaseMediator{{UserID: c.PresidingID, Presiding: true}}
	}
	return src, ms, nil
}

// sendRefs sends the committee, room and mediators a case refers to,
// each only when it changed since it was last accepted.
func (s *Service) sendRefs(ctx context.Context, cl *smartmediation.Client, src smartmediation.CaseSource, ms []store.CaseMediator) error {
	committee, room, err := s.codesOf(ctx, src.Case)
	if err != nil {
		return err
	}
	orgs := []smartmediation.OrgSource{{Unit: committee, Codes: s.codes()}}
	if room.ID != 0 {
		orgs = append(orgs, smartmediation.OrgSource{Unit: room, ParentCode: committee.Code, Codes: s.codes()})
	}
	for _, o := range orgs {
		rec, err := smartmediation.BuildOrg(o)
		if err != nil {
			return err
		}
		if err := s.sendRef(ctx, rec.Code, "org", rec, func() (smartmediation.Result, error) { return cl.PutOrg(ctx, rec) }); err != nil {
			return err
		}
	}
	for _, m := range ms {
		u, err := s.Store.GetUser(ctx, m.UserID)
		if err != nil {
			return fmt.Errorf("mediator %d: %w", m.UserID, err)
		}
		rec, err := smartmediation.BuildMediator(smartmediation.MediatorSource{User: u, Code: MediatorCode(committee.Code, u.ID),
			CommitteeCode: committee.Code, RoomCode: room.Code, FullTime: true, Codes: s.codes()})
		if err != nil {
			return err
		}
		if err := s.sendRef(ctx, rec.Code, "mediator", rec, func() (smartmediation.Result, error) { return cl.PutMediator(ctx, rec) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) sendRef(ctx context.Context, code, kind string, rec any, put func() (smartmediation.Result, error)) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	if d, err := s.Store.GetSmartRef(ctx, code); err == nil && d == digest {
		return nil
	}
	res, err := put()
	if err != nil {
		return err
	}
	return s.Store.PutSmartRef(ctx, code, kind, digest, res.PlatformID, s.now())
}
