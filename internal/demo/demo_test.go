package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// testNow is a Friday afternoon, so recent cases are in every early state.
var testNow = time.Date(2026, 11, 27, 15, 30, 0, 0, calendar.Shanghai())

func testSealer(t testing.TB) *pii.Sealer {
	t.Helper()
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 7)
	}
	s, err := pii.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuild(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			sealer := testSealer(t)
			if empty, err := IsEmpty(ctx, db); err != nil || !empty {
				t.Fatalf("IsEmpty on a fresh database = %v, %v", empty, err)
			}
			start := time.Now()
			var batches int
			var steps []string
			res, err := Build(ctx, db, sealer, Options{Cases: 200, Password: "test-pass", Now: testNow,
				Progress: func(done, total int) { batches++ },
				Step:     func(name string, took time.Duration) { steps = append(steps, name) }})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: Build with 200 cases took %v", e.Name, time.Since(start))
			// The operator of a big demo is told where its time went, step by step, once each.
			if len(steps) != 14 || steps[0] != "案件及其经过" || steps[13] != "分析任务" {
				t.Fatalf("steps reported: %q", steps)
			}
			if res.Cases != 200 || batches != 1 || res.CommitteeID == 0 {
				t.Fatalf("result %+v, %d progress calls", res, batches)
			}
			if empty, err := IsEmpty(ctx, db); err != nil || empty {
				t.Fatalf("IsEmpty after Build = %v, %v", empty, err)
			}
			checkFiles(t, db)
			checkAgreements(t, db)
			checkConversations(t, db, res)
			if _, err := Build(ctx, db, sealer, Options{Cases: 1, Password: "x", Now: testNow}); !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("second Build: %v, want ErrNotEmpty", err)
			}
			checkOrg(t, db, res)
			checkUsers(t, db, res)
			shown := 0
			for _, sc := range res.Showcases {
				shown += sc.Cases
			}
			checkCases(t, db, 200+shown)
			checkShowcases(t, db, res)
		})
	}
}

func checkOrg(t *testing.T, db store.Store, res Result) {
	ctx := context.Background()
	units, err := db.ListOrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[domain.OrgKind]int{}
	codes := map[string]store.OrgUnit{}
	for _, u := range units {
		codes[u.Code] = u
		if u.ParentID == res.CommitteeID {
			kinds[u.Kind]++
		}
		if !u.Kind.Valid() {
			t.Errorf("unit %s has kind %q", u.Code, u.Kind)
		}
	}
	if kinds[domain.OrgOfficeRoom] != 38 || kinds[domain.OrgEnterpriseRoom] != 30 {
		t.Fatalf("rooms under the committee: %v", kinds)
	}
	if codes[CodeCommittee].Abbr != "浦" || codes[CodeXHCommittee].Abbr != "徐" {
		t.Fatal("committee abbreviations")
	}
	if r := codes["pd-room-01"]; r.Name != "陆家嘴市场监管所联合人民调解工作室" {
		t.Fatalf("room 01 = %q", r.Name)
	}
	for _, c := range []string{"pd-amr-38", "pd-eroom-30", CodeJustice, CodeCourt, CodeCouncil, CodeProvider, "xh-room-02"} {
		if _, ok := codes[c]; !ok {
			t.Errorf("missing unit %s", c)
		}
	}
	// Every Pudong street or town is covered by exactly one room, and no area twice.
	rs, err := db.ListRoomStreets(ctx, res.CommitteeID)
	if err != nil {
		t.Fatal(err)
	}
	cover := map[string]int{}
	for _, s := range rs {
		cover[s.Street]++
	}
	for _, s := range pudongStreets {
		if cover[s] != 1 {
			t.Errorf("street %s covered by %d rooms", s, cover[s])
		}
	}
	for s, n := range cover {
		if n != 1 {
			t.Errorf("area %s covered %d times", s, n)
		}
	}
	if lj := codes["pd-room-01"].ID; !slices.Contains(rs, store.RoomStreet{RoomID: lj, Street: "陆家嘴街道"}) {
		t.Error("room 01 does not cover 陆家嘴街道")
	}
	// Enterprise rooms are bound to merchants with valid credit codes; some use ODR.
	odr := 0
	for i := 1; i <= NumEnterpriseRooms; i++ {
		ms, err := db.ListRoomMerchants(ctx, codes[EnterpriseRoomCode(i)].ID)
		if err != nil || len(ms) < 1 || len(ms) > 2 {
			t.Fatalf("enterprise room %d merchants %v %v", i, ms, err)
		}
		for _, m := range ms {
			if err := domain.ValidateCreditCode(m.CreditCode); err != nil {
				t.Errorf("merchant %s credit code %s: %v", m.Name, m.CreditCode, err)
			}
			if m.ODR {
				odr++
			}
		}
	}
	if odr < 3 {
		t.Errorf("%d ODR merchants", odr)
	}
}

func checkUsers(t *testing.T, db store.Store, res Result) {
	ctx := context.Background()
	users, err := db.ListUsers(ctx, store.UserQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	committee, err := db.GetOrgUnit(ctx, res.CommitteeID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[domain.Role]int{}
	pdMediators := 0
	roomsWithMediator := map[int64]bool{}
	displays := map[string]bool{}
	for _, u := range users {
		if displays[u.DisplayName] {
			t.Errorf("display name %s used twice", u.DisplayName)
		}
		displays[u.DisplayName] = true
		bs, err := db.ListBindings(ctx, u.ID)
		if err != nil || len(bs) == 0 {
			t.Fatalf("bindings of %s: %v %v", u.Username, bs, err)
		}
		for _, b := range bs {
			roles[b.Role]++
			if b.Role == domain.RoleMediator && strings.HasPrefix(b.OrgPath, committee.Path) {
				roomsWithMediator[b.OrgID] = true
			}
		}
		if bs[0].Role == domain.RoleMediator && strings.HasPrefix(bs[0].OrgPath, committee.Path) {
			pdMediators++
		}
	}
	if pdMediators != NumMediators {
		t.Errorf("%d Pudong mediators, want %d", pdMediators, NumMediators)
	}
	if len(roomsWithMediator) != NumOfficeRooms+NumEnterpriseRooms {
		t.Errorf("%d rooms have a mediator", len(roomsWithMediator))
	}
	if roles[domain.RoleRoomLead] != 68+1 { // Pudong's rooms and xh_room_lead01
		t.Errorf("%d room leads", roles[domain.RoleRoomLead])
	}
	for _, r := range domain.Roles {
		if r == domain.RoleConsumer || r == domain.RoleMerchant || r == domain.RoleMachine {
			continue
		}
		if roles[r] == 0 {
			t.Errorf("no user with role %s", r)
		}
	}
	// The main accounts, and the demo story: mediator01 and room_lead01 share the 陆家嘴 room.
	var names []string
	for _, a := range res.Accounts {
		names = append(names, a.Username)
		if a.RoleLabel == "" || a.Org == "" {
			t.Errorf("account %+v", a)
		}
	}
	want := []string{"admin", "committee01", "room_lead01", "mediator01", "mediator02", "regulator01", "justice01",
		"court01", "expert01", "analyst01", "auditor01", "security01", "xh_committee01", "xh_mediator01", "xh_room_lead01", "xh_regulator01",
		"xh_justice01", "xh_court01", "xh_expert01", "city_analyst01"}
	if !slices.Equal(names, want) {
		t.Errorf("accounts %v", names)
	}
	bindingOf := func(name string) store.Binding {
		u, err := db.GetUserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		bs, _ := db.ListBindings(ctx, u.ID)
		return bs[0]
	}
	if a, b := bindingOf("mediator01"), bindingOf("room_lead01"); a.OrgID != b.OrgID || a.OrgName != "陆家嘴市场监管所联合人民调解工作室" {
		t.Errorf("mediator01 in %s, room_lead01 in %s", a.OrgName, b.OrgName)
	}
	if b := bindingOf("regulator01"); b.OrgName != "陆家嘴市场监管所" {
		t.Errorf("regulator01 in %s", b.OrgName)
	}
	u, err := db.GetUserByUsername(ctx, "mediator47")
	if err != nil || !u.Active || !auth.CheckPassword(u.PasswordHash, "test-pass") {
		t.Errorf("mediator47 cannot sign in: %+v %v", u, err)
	}
}

// checkCases replays every case's events against the transition rules.
func checkCases(t *testing.T, db store.Store, n int) {
	ctx := context.Background()
	cs := storetest.AllCases(t, db)
	if len(cs) != n {
		t.Fatalf("%d cases, want %d", len(cs), n)
	}
	rules := calendar.New(nil)
	statuses := map[domain.Status]int{}
	channels := map[domain.Channel]int{}
	for _, c := range cs {
		statuses[c.Status]++
		channels[c.Channel]++
		if c.RoomID == 0 || c.MerchantID == 0 || c.ConsumerName == "" || c.Description == "" || c.Claim == "" || c.ClaimFen <= 0 {
			t.Fatalf("incomplete case %+v", c)
		}
		if c.ReceivedAt.After(testNow) {
			t.Fatalf("case %s received in the future", c.Number)
		}
		if c.Channel == domain.Channel12315 && (c.ExternalID == "" || c.DivertedByOrgID == 0) {
			t.Errorf("12315 case %s without complaint number or diverting office", c.Number)
		}
		if c.Channel == domain.ChannelCourt && c.CourtNumber == "" {
			t.Errorf("court case %s without court number", c.Number)
		}
		if c.AcceptedAt != nil && c.PolicyID == 0 {
			t.Errorf("accepted case %s without policy", c.Number)
		}
		if !c.Status.Open() && c.ClosedAt == nil {
			t.Errorf("closed case %s (%s) without ClosedAt", c.Number, c.Status)
		}
		evs, err := db.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Registered when received, or (a complaint by phone or at the counter) entered a few working days later.
		if evs[0].Type != "received" || evs[0].ToStatus != domain.StatusReceived || evs[0].At.Before(c.ReceivedAt) ||
			rules.WorkdaysBetween(calendar.DateOf(c.ReceivedAt), calendar.DateOf(evs[0].At)) > 4 {
			t.Fatalf("case %s received %v, first event %+v", c.Number, c.ReceivedAt, evs[0])
		}
		var prev domain.Status
		for i := 1; i < len(evs); i++ {
			ev, last := evs[i], evs[i-1]
			if ev.FromStatus != last.ToStatus {
				t.Fatalf("case %s event %d from %s, previous ended at %s", c.Number, ev.Seq, ev.FromStatus, last.ToStatus)
			}
			if !ev.At.After(last.At) || !ev.At.Before(testNow) {
				t.Fatalf("case %s event %d at %v (previous %v)", c.Number, ev.Seq, ev.At, last.At)
			}
			local := ev.At.In(calendar.Shanghai())
			if m := local.Hour()*60 + local.Minute(); !rules.IsWorkday(calendar.DateOf(ev.At)) || m < 9*60 || m >= 17*60+30 {
				t.Fatalf("case %s event %d at %v outside office hours", c.Number, ev.Seq, local)
			}
			a := domain.Action(ev.Type)
			if !slices.Contains(domain.Actions, a) {
				if ev.FromStatus != ev.ToStatus {
					t.Fatalf("case %s: note %s changes the status", c.Number, ev.Type)
				}
				continue
			}
			to, err := domain.Next(a, domain.Facts{Status: ev.FromStatus, PrevStatus: prev, ReasonCode: ev.ReasonCode,
				HasRequiredFact: true, ConsumerConsent: true, MerchantConsent: true, HasMediator: true, ODREnterprise: true,
				AgreementEffective: true, AgreementComplete: true, FollowUpRecorded: true, CaseFileComplete: true})
			if err != nil || to != ev.ToStatus {
				t.Fatalf("case %s event %d %s: %s → %s, rules say %s (%v)", c.Number, ev.Seq, a, ev.FromStatus, ev.ToStatus, to, err)
			}
			if a == domain.ActionSuspend {
				prev = ev.FromStatus
			}
			if ev.ActorName == "" {
				t.Errorf("case %s event %d without actor", c.Number, ev.Seq)
			}
		}
		if evs[len(evs)-1].ToStatus != c.Status {
			t.Fatalf("case %s is %s but its events end at %s", c.Number, c.Status, evs[len(evs)-1].ToStatus)
		}
	}
	t.Logf("statuses %v", statuses)
	t.Logf("channels %v", channels)
	if len(statuses) < 8 {
		t.Errorf("only %d distinct statuses: %v", len(statuses), statuses)
	}
	if channels[domain.Channel12315]*100/n < 40 {
		t.Errorf("12315 share too low: %v", channels)
	}
}

func TestReproducible(t *testing.T) {
	sqlite := storetest.Engines(t)[0]
	ctx := context.Background()
	type row struct {
		number, consumer, merchant string
		status                     domain.Status
	}
	build := func() []row {
		db := sqlite.Open(t, true)
		if _, err := Build(ctx, db, testSealer(t), Options{Seed: 42, Cases: 120, Password: "test-pass", Now: testNow}); err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, c := range storetest.AllCases(t, db) {
			out = append(out, row{c.Number, c.ConsumerName, c.MerchantName, c.Status})
		}
		return out
	}
	a, b := build(), build()
	if !slices.Equal(a, b) {
		t.Fatalf("two builds with the same seed differ:\n%v\n%v", a[:5], b[:5])
	}
}

func TestAddCases(t *testing.T) {
	ctx := context.Background()
	db := storetest.Engines(t)[0].Open(t, true)
	sealer := testSealer(t)
	if _, err := AddCases(ctx, db, sealer, 10, 1, testNow, nil); !errors.Is(err, ErrNoDemoOrg) {
		t.Fatalf("AddCases without the demo org: %v", err)
	}
	if _, err := Build(ctx, db, sealer, Options{Cases: 0, Password: "test-pass", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	// The same seed twice: external numbers must still be unique.
	for range 2 {
		if n, err := AddCases(ctx, db, sealer, 150, 7, testNow, nil); err != nil || n != 150 {
			t.Fatalf("AddCases = %d, %v", n, err)
		}
	}
	checkCases(t, db, 300)
	checkAgreements(t, db)
}

// BenchmarkAddCases measures one AddCases call of b.N×1,000 cases on every
// engine; -benchtime 65x writes a district's three years (65,000 cases).
// TestThreeYearHeadline checks the headline those years give, at 15,000.
func BenchmarkAddCases(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			sealer := testSealer(b)
			if _, err := Build(ctx, db, sealer, Options{Password: "test-pass", Now: testNow, Cases: 0}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			if _, err := AddCases(ctx, db, sealer, b.N*BatchSize, DefaultSeed, testNow, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N*BatchSize)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}

// checkAgreements: every case whose events record an agreement has the
// agreement row those events describe (amount, kind, performance, follow-up),
// and no case is in performance or followed up without one.
func checkAgreements(t *testing.T, db store.Store) {
	t.Helper()
	ctx := context.Background()
	n := 0
	for _, c := range storetest.AllCases(t, db) {
		evs, err := db.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var agreed, recovered int64
		var kind string
		var satisfaction int
		for _, e := range evs {
			var d struct {
				AgreedFen    int64  `json:"agreed_fen"`
				Kind         string `json:"kind"`
				RecoveredFen int64  `json:"recovered_fen"`
				Satisfaction int    `json:"satisfaction"`
			}
			json.Unmarshal([]byte(e.Data), &d)
			switch e.Type {
			case string(domain.ActionReachAgreement):
				agreed, kind = d.AgreedFen, d.Kind
			case "performed":
				recovered += d.RecoveredFen
			case string(domain.ActionFollowUp):
				satisfaction = d.Satisfaction
			}
		}
		a, err := db.GetAgreement(ctx, c.ID)
		switch c.Status {
		case domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusAgreed:
			if err != nil {
				t.Fatalf("%s is %s without an agreement: %v", c.Number, c.Status, err)
			}
		}
		if agreed == 0 {
			if err == nil {
				t.Errorf("%s has an agreement but no event recording it", c.Number)
			}
			continue
		}
		n++
		if err != nil {
			t.Fatalf("%s: events record an agreement of %d fen, none stored: %v", c.Number, agreed, err)
		}
		var total, performed int64
		for _, term := range a.Terms {
			total += term.AmountFen
			if term.PerformedAt != "" {
				performed += term.AmountFen
			}
		}
		if total != agreed || a.Kind != kind || performed != recovered {
			t.Errorf("%s: agreement %s of %d fen (%d performed); events say %s of %d fen (%d performed)", c.Number, a.Kind, total, performed, kind, agreed, recovered)
		}
		if c.Status != domain.StatusAgreed && a.EffectiveAt == nil {
			t.Errorf("%s is %s with an agreement not in effect", c.Number, c.Status)
		}
		fs, _ := db.ListFollowUps(ctx, c.ID)
		if satisfaction > 0 && (len(fs) == 0 || fs[len(fs)-1].Satisfaction != satisfaction) {
			t.Errorf("%s: follow-up event says %d points, records %+v", c.Number, satisfaction, fs)
		}
	}
	if n == 0 {
		t.Fatal("no agreed case")
	}
}

// checkFiles: agreed cases carry their agreement, and recent archived cases a
// frozen case file naming the case, so the links on the case page work.
func checkFiles(t *testing.T, db store.Store) {
	t.Helper()
	ctx := context.Background()
	page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Limit: 500, Statuses: []domain.Status{domain.StatusArchived, domain.StatusFollowedUp}})
	if err != nil {
		t.Fatal(err)
	}
	agreements, files := 0, 0
	for _, c := range page.Cases {
		if a, err := db.GetAgreement(ctx, c.ID); err == nil {
			agreements++
			if a.EffectiveAt == nil || len(a.Terms) == 0 || len(a.Terms) > 2 {
				t.Errorf("%s agreement %+v", c.Number, a)
			}
			for _, term := range a.Terms {
				if term.AmountFen <= 0 || (c.Status == domain.StatusArchived && term.PerformedAt == "") {
					t.Errorf("%s agreement %+v: an archived case's terms are all performed", c.Number, a)
				}
			}
		}
		if ar, err := db.GetArchive(ctx, c.ID); err == nil {
			files++
			if !bytes.HasPrefix(ar.PDF, []byte("%PDF")) || ar.SHA256 == "" || !strings.Contains(ar.FileNumber, "消调档字") {
				t.Errorf("%s file %s", c.Number, ar.FileNumber)
			}
		}
	}
	// The latest archived cases and those the demo's subsidy months settle have their files.
	if agreements == 0 || files == 0 {
		t.Fatalf("%d agreements, %d case files among %d closed cases", agreements, files, len(page.Cases))
	}
}

// The demo's online mediations: both parties' links open their case, whose
// presiding mediator is mediator01, with a conversation, evidence and open terms.
func checkConversations(t *testing.T, db store.Store, res Result) {
	t.Helper()
	ctx := context.Background()
	if len(res.PartyLinks) != 2*OnlineCases {
		t.Fatalf("party links: %d", len(res.PartyLinks))
	}
	me, _ := db.GetUserByUsername(ctx, "mediator01")
	for _, l := range res.PartyLinks {
		id, party, err := db.GetPartyLink(ctx, auth.HashToken(strings.TrimPrefix(l.Path, "/p/")))
		if err != nil || party != l.Party {
			t.Fatalf("link %s: %s %v", l.Path, party, err)
		}
		c, _ := db.GetCase(ctx, id)
		if c.Number != l.CaseNumber || c.PresidingID != me.ID || c.Status != domain.StatusMediating {
			t.Fatalf("case of the link: %+v", c)
		}
		ms, _ := db.ListMessages(ctx, store.MessageQuery{CaseID: id, Channels: []string{store.ChannelJoint, party}})
		es, _ := db.ListEvidence(ctx, id)
		ps, _ := db.ListProposals(ctx, id)
		if len(ms) < 6 || len(es) != 1 || len(ps) != 1 || ps[0].Status != "open" {
			t.Fatalf("conversation of %s: %d messages, %d evidence, %d proposals", c.Number, len(ms), len(es), len(ps))
		}
	}
}

// checkShowcases: in both districts the services left every capability's
// state behind: a sealed written agreement archived with its PDF (found again
// by its SHA-256), agreements awaiting signature with working links, a rating
// link, judicial applications in each state, follow-ups, commendations, a
// group with representatives, duplicate flags, a lead and an answered consultation.
func checkShowcases(t *testing.T, db store.Store, res Result) {
	t.Helper()
	ctx := context.Background()
	if len(res.Showcases) != 2 {
		t.Fatalf("showcases: %+v", res.Showcases)
	}
	for _, sc := range res.Showcases {
		committee, err := db.GetOrgUnitByCode(ctx, map[string]string{"浦东新区": CodeCommittee, "徐汇区": CodeXHCommittee}[sc.District])
		if err != nil {
			t.Fatal(err)
		}
		page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}}, Text: sc.Archived})
		if err != nil || len(page.Cases) != 1 || page.Cases[0].Status != domain.StatusArchived {
			t.Fatalf("%s: archived case %s: %+v %v", sc.District, sc.Archived, page.Cases, err)
		}
		archived := page.Cases[0]
		pdf, sha, err := db.GetAgreementDocument(ctx, archived.ID)
		sum := sha256.Sum256(pdf)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) || hex.EncodeToString(sum[:]) != sha {
			t.Fatalf("%s: agreement PDF of %s: sha %s, %v", sc.District, sc.Archived, sha, err)
		}
		if id, number, _, err := db.FindAgreementBySHA(ctx, sha); err != nil || id != archived.ID || number != sc.Archived {
			t.Errorf("%s: verifying %s by hash: %d %s %v", sc.District, sc.Archived, id, number, err)
		}
		if a, _ := db.GetAgreement(ctx, archived.ID); a.Kind != "written" || a.EffectiveAt == nil {
			t.Errorf("%s: agreement of %s: %+v", sc.District, sc.Archived, a)
		}
		if sgs, _ := db.ListSignatures(ctx, archived.ID); len(sgs) != 4 {
			t.Errorf("%s: %s has %d signatures, want 4", sc.District, sc.Archived, len(sgs))
		}
		if _, err := db.GetArchive(ctx, archived.ID); err != nil {
			t.Errorf("%s: case file of %s: %v", sc.District, sc.Archived, err)
		}
		if fs, _ := db.ListFollowUps(ctx, archived.ID); len(fs) != 1 || fs[0].Satisfaction != 5 {
			t.Errorf("%s: follow-up of %s: %+v", sc.District, sc.Archived, fs)
		}
		if cs, _ := db.ListCommendations(ctx, archived.ID); len(cs) != 1 || cs[0].Kind != "banner" {
			t.Errorf("%s: commendations of %s: %+v", sc.District, sc.Archived, cs)
		}
		// Signing links: each opens its party's agreement, still awaiting signature.
		if len(sc.SignLinks) < 3 {
			t.Errorf("%s: sign links %+v", sc.District, sc.SignLinks)
		}
		for _, l := range sc.SignLinks {
			id, party, err := db.GetSignToken(ctx, auth.HashToken(strings.TrimPrefix(l.Path, "/sign/")))
			c, _ := db.GetCase(ctx, id)
			if err != nil || party != l.Party || c.Number != l.CaseNumber || c.Status != domain.StatusAgreed || !strings.HasPrefix(c.OrgPath, committee.Path) {
				t.Errorf("%s: sign link %+v opens %s of %s (%s): %v", sc.District, l, party, c.Number, c.Status, err)
			}
		}
		if len(sc.RateLinks) != 1 {
			t.Fatalf("%s: rate links %+v", sc.District, sc.RateLinks)
		}
		id, party, err := db.GetSignToken(ctx, auth.HashToken(strings.TrimPrefix(sc.RateLinks[0].Path, "/rate/")))
		if c, _ := db.GetCase(ctx, id); err != nil || party != "rating" || c.Status != domain.StatusPerforming {
			t.Errorf("%s: rate link opens %s of %s: %v", sc.District, party, c.Status, err)
		}
		// Judicial applications, one in each state, at the district's court.
		var states []string
		for _, n := range sc.Judicial {
			page, _ := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}}, Text: n})
			if len(page.Cases) != 1 {
				t.Fatalf("%s: judicial case %s not found", sc.District, n)
			}
			ja, err := db.GetJudicialApplication(ctx, page.Cases[0].ID)
			if err != nil {
				t.Fatalf("%s: application of %s: %v", sc.District, n, err)
			}
			states = append(states, ja.Status)
		}
		if !slices.Equal(states, []string{"submitted", "accepted", "confirmed", "rejected"}) {
			t.Errorf("%s: judicial states %v", sc.District, states)
		}
		groups, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: committee.ID, Paging: store.Paging{Limit: store.MaxPage}})
		if err != nil {
			t.Fatal(err)
		}
		representatives := 0
		for _, g := range groups.Items {
			full, _ := db.GetGroup(ctx, g.ID)
			for _, m := range full.Members {
				if m.Representative {
					representatives++
				}
			}
		}
		if representatives < 2 {
			t.Errorf("%s: %d groups, %d representatives", sc.District, len(groups.Items), representatives)
		}
		flags, leads, answered, commendations, followUps := 0, 0, 0, 0, 0
		all, _ := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{committee.Path}}, Limit: 500})
		for _, c := range all.Cases {
			fs, _ := db.ListDuplicateFlags(ctx, c.ID)
			flags += len(fs)
			ks, _ := db.ListConsultations(ctx, c.ID)
			for _, k := range ks {
				if k.Status == "answered" {
					answered++
				}
			}
			cs, _ := db.ListCommendations(ctx, c.ID)
			commendations += len(cs)
			fu, _ := db.ListFollowUps(ctx, c.ID)
			followUps += len(fu)
		}
		office, _ := db.GetOrgUnitByCode(ctx, map[string]string{"浦东新区": RegulatorOfficeCode(1), "徐汇区": CodeXHOffice}[sc.District])
		ls, _ := db.ListLeads(ctx, store.LeadQuery{Scope: store.Scope{Prefixes: []string{office.Path}}, Paging: store.Paging{Limit: 50}})
		leads = len(ls.Items)
		if flags == 0 || leads == 0 || answered == 0 || commendations < 2 || followUps == 0 {
			t.Errorf("%s: %d duplicate flags, %d leads, %d answered consultations, %d commendations, %d follow-ups",
				sc.District, flags, leads, answered, commendations, followUps)
		}
	}
}
