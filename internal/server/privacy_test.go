package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/privacy"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// privacyEnv is a server whose privacy service runs on a clock the test moves.
func privacyEnv(t *testing.T, eng storetest.Engine) (*env, *atomic.Int64) {
	t.Helper()
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	e := newEnvWith(t, eng, func(s *platform.Services) {
		s.Privacy.Now = func() time.Time { return time.Unix(0, now.Load()) }
	})
	return e, &now
}

func forEachPrivacyEnv(t *testing.T, fn func(t *testing.T, e *env, clock *atomic.Int64)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e, clock := privacyEnv(t, eng)
			fn(t, e, clock)
		})
	}
}

// consumerParty is the consumer party of a case as the store holds it.
func consumerParty(t *testing.T, e *env, caseID int64) store.Party {
	t.Helper()
	c, err := e.db.GetCase(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Parties {
		if p.Kind == "consumer" {
			return p
		}
	}
	t.Fatalf("case %d has no consumer", caseID)
	return store.Party{}
}

func revealCount(t *testing.T, e *env, caseID int64) int {
	t.Helper()
	rs, err := e.db.ListReveals(context.Background(), store.PIIRevealQuery{Scope: store.Scope{All: true}, CaseID: caseID})
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// A reveal with a purpose answers the full phone once, is on the audit
// trail and in the reveal log the auditor reads; refusals write nothing.
func TestRevealParty(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		id := registerCase(t, m)
		party := consumerParty(t, e, id)
		pid := itoa(party.ID)
		path := "/api/v1/cases/" + itoa(id) + "/parties/" + pid + "/reveal"

		// The case JSON names the parties by id and keeps the phone masked.
		var c struct {
			Parties []struct {
				ID    int64
				Kind  string
				Phone string
			}
		}
		json_(m.json("GET", "/api/v1/cases/"+itoa(id), nil, nil).body, &c)
		if len(c.Parties) == 0 || c.Parties[0].ID != party.ID || c.Parties[0].Phone != "139****5678" {
			t.Fatalf("case parties: %+v", c.Parties)
		}

		// Refusals first: nothing may reach the log.
		for _, tc := range []struct {
			user   string
			body   map[string]any
			status int
			want   string
		}{
			{"admin", map[string]any{"field": "phone", "purpose": "call"}, 403, ""},
			{"mediator02", map[string]any{"field": "phone", "purpose": "call"}, 404, "不存在"},
			{"xh_committee01", map[string]any{"field": "phone", "purpose": "call"}, 404, "不存在"},
			{"mediator01", map[string]any{"field": "phone", "purpose": "curiosity"}, 422, "查看目的"},
			{"mediator01", map[string]any{"field": "phone", "purpose": "other"}, 422, "说明"},
			{"mediator01", map[string]any{"field": "bank_card", "purpose": "call"}, 422, "phone"},
		} {
			r := e.login(tc.user).json("POST", path, tc.body, nil)
			if r.StatusCode != tc.status || !strings.Contains(r.body, tc.want) || strings.Contains(r.body, "13912345678") {
				t.Fatalf("%s %v: %d %s", tc.user, tc.body, r.StatusCode, r.body)
			}
		}
		if n := revealCount(t, e, id); n != 0 {
			t.Fatalf("refused reveals logged: %d", n)
		}

		r := m.json("POST", path, map[string]any{"field": "phone", "purpose": "call"}, nil)
		var v struct {
			Value, Field, Purpose string
			RevealedAt            time.Time `json:"revealed_at"`
			ExpiresAt             time.Time `json:"expires_at"`
		}
		json_(r.body, &v)
		if r.StatusCode != 200 || v.Value != "13912345678" || v.Purpose != "call" || v.ExpiresAt.Sub(v.RevealedAt) != 120*time.Second ||
			r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("reveal: %d %q %s", r.StatusCode, r.Header.Get("Cache-Control"), r.body)
		}
		// The identity number and the address are revealed the same way.
		if r := m.json("POST", path, map[string]any{"field": "id_number", "purpose": "other", "note": "核对身份证复印件"}, nil); r.StatusCode != 200 ||
			!strings.Contains(r.body, "11010519491231002X") {
			t.Fatalf("reveal id: %d %s", r.StatusCode, r.body)
		}

		// The audit trail: who, which case and party, field and purpose, from where.
		es, err := e.db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "party:" + pid})
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, en := range es {
			if en.Action == "pii.reveal phone call" && en.Actor.Name == "mediator01" && en.Actor.Addr == "127.0.0.1" && strings.Contains(en.Object, "case:"+itoa(id)) {
				found = true
			}
		}
		if !found {
			t.Fatalf("no audit entry of the reveal: %+v", es)
		}

		// The auditor reads the log (API and page), without the values.
		au := e.login("auditor01")
		var log struct {
			Reveals []struct {
				User, Field, Purpose, Party string
				CaseID                      int64  `json:"case_id"`
				ClientAddr                  string `json:"client_addr"`
			}
		}
		lr := au.json("GET", "/api/v1/privacy/reveals?case_id="+itoa(id), nil, nil)
		json_(lr.body, &log)
		if lr.StatusCode != 200 || len(log.Reveals) != 2 || log.Reveals[1].User != "mediator01" || log.Reveals[1].Field != "phone" ||
			log.Reveals[1].Purpose != "call" || log.Reveals[1].ClientAddr != "127.0.0.1" || strings.Contains(lr.body, "13912345678") ||
			strings.Contains(lr.body, party.Name) {
			t.Fatalf("reveal log: %d %s", lr.StatusCode, lr.body)
		}
		page := au.get("/privacy/reveals?user=mediator01&field=phone")
		if page.StatusCode != 200 || !strings.Contains(page.body, "电话联系当事人") || !strings.Contains(page.body, "mediator01") ||
			strings.Contains(page.body, "13912345678") || strings.Contains(page.body, "核对身份证复印件") {
			t.Fatalf("reveal log page: %d", page.StatusCode)
		}
		if bad := au.get("/privacy/reveals?from=2026-13-01"); bad.StatusCode != 422 || !strings.Contains(bad.body, "起始日期") {
			t.Fatalf("bad date: %d", bad.StatusCode)
		}
		if r := m.json("GET", "/api/v1/privacy/reveals", nil, nil); r.StatusCode != 403 {
			t.Fatalf("a mediator read the reveal log: %d", r.StatusCode)
		}

		// On the case page: the form, the masked phone, never the full one;
		// the reveal answers a no-store page with the value and its timer.
		cp := m.get("/cases/" + itoa(id))
		if cp.StatusCode != 200 || !strings.Contains(cp.body, "/parties/"+pid+"/reveal") || !strings.Contains(cp.body, "制作调解文书") ||
			strings.Contains(cp.body, "13912345678") {
			t.Fatalf("case page: %d", cp.StatusCode)
		}
		rp := m.form("POST", "/cases/"+itoa(id)+"/parties/"+pid+"/reveal", url.Values{"field": {"phone"}, "purpose": {"follow_up"}})
		if rp.StatusCode != 200 || !strings.Contains(rp.body, "13912345678") || !strings.Contains(rp.body, `data-ttl="120"`) ||
			rp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("reveal page: %d %q", rp.StatusCode, rp.Header.Get("Cache-Control"))
		}
		if rp := m.form("POST", "/cases/"+itoa(id)+"/parties/"+pid+"/reveal", url.Values{"field": {"phone"}}); rp.StatusCode != 422 ||
			strings.Contains(rp.body, "13912345678") {
			t.Fatalf("reveal page without a purpose: %d", rp.StatusCode)
		}
		if n := revealCount(t, e, id); n != 3 {
			t.Fatalf("reveals logged: %d, want 3", n)
		}
	})
}

// archivedCase is one of the demo's archived cases in 浦东 with a consumer phone.
func archivedCase(t *testing.T, e *env) (store.Case, store.Party) {
	t.Helper()
	ctx := context.Background()
	page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: []domain.Status{domain.StatusArchived}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Cases {
		if _, err := e.db.GetArchive(ctx, c.ID); err != nil {
			continue
		}
		full, err := e.db.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(full.Number, "浦") {
			continue
		}
		for _, p := range full.Parties {
			if p.Kind == "consumer" && p.PhoneSealed != "" {
				return full, p
			}
		}
	}
	t.Fatal("the demo has no archived case with a file")
	return store.Case{}, store.Party{}
}

// A deletion request before the retention period ends is refused with the
// reason; after it (a moved clock) the contact fields are erased and the
// archived dossier keeps the name and the agreement.
func TestPrivacyDeletionRequest(t *testing.T) {
	forEachPrivacyEnv(t, func(t *testing.T, e *env, clock *atomic.Int64) {
		ctx := context.Background()
		c, party := archivedCase(t, e)
		cm := e.login("committee01")
		path := "/api/v1/cases/" + itoa(c.ID) + "/parties/" + itoa(party.ID) + "/privacy-requests"
		var q struct {
			ID             int64
			Status, Reason string
			DueOn          string `json:"due_on"`
		}
		r := cm.json("POST", path, map[string]any{"kind": "delete", "note": "当事人电话要求删除"}, nil)
		json_(r.body, &q)
		if r.StatusCode != 201 || q.Status != "pending" || q.DueOn == "" {
			t.Fatalf("request: %d %s", r.StatusCode, r.body)
		}
		if r := cm.json("POST", path, map[string]any{"kind": "delete"}, nil); r.StatusCode != 409 {
			t.Fatalf("a second pending request: %d %s", r.StatusCode, r.body)
		}
		if r := cm.json("POST", path, map[string]any{"kind": "forget"}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "export") {
			t.Fatalf("bad kind: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("xh_committee01").json("POST", path, map[string]any{"kind": "delete"}, nil); r.StatusCode != 404 {
			t.Fatalf("another district: %d", r.StatusCode)
		}
		// The queue is the committee's; the other district does not see it.
		var list struct{ Requests []struct{ ID int64 } }
		json_(cm.json("GET", "/api/v1/privacy/requests?status=pending", nil, nil).body, &list)
		if len(list.Requests) != 1 || list.Requests[0].ID != q.ID {
			t.Fatalf("queue: %+v", list)
		}
		if r := e.login("xh_committee01").json("POST", "/api/v1/privacy/requests/"+itoa(q.ID)+"/decide", map[string]any{"action": "complete"}, nil); r.StatusCode != 404 {
			t.Fatalf("another district decided: %d %s", r.StatusCode, r.body)
		}

		// Before the retention period ends: refused, with the reason.
		decide := cm.json("POST", "/api/v1/privacy/requests/"+itoa(q.ID)+"/decide", map[string]any{"action": "complete"}, nil)
		json_(decide.body, &q)
		if decide.StatusCode != 200 || q.Status != "refused" || !strings.Contains(q.Reason, "归档") || !strings.Contains(q.Reason, "第四十七条") {
			t.Fatalf("early deletion: %d %s", decide.StatusCode, decide.body)
		}
		if p := consumerParty(t, e, c.ID); p.PhoneSealed == "" || p.PhoneMask == "" {
			t.Fatal("refused deletion erased the phone")
		}
		if r := cm.json("POST", "/api/v1/privacy/requests/"+itoa(q.ID)+"/decide", map[string]any{"action": "complete"}, nil); r.StatusCode != 409 {
			t.Fatalf("decided twice: %d", r.StatusCode)
		}

		// Six years on (archived dossiers keep contact data five by default).
		clock.Store(time.Now().AddDate(6, 0, 0).UnixNano())
		r = cm.form("POST", "/cases/"+itoa(c.ID)+"/parties/"+itoa(party.ID)+"/privacy-requests", url.Values{"kind": {"delete"}})
		if r.StatusCode != 303 {
			t.Fatalf("page request: %d %s", r.StatusCode, r.body)
		}
		json_(cm.json("GET", "/api/v1/privacy/requests?status=pending", nil, nil).body, &list)
		if len(list.Requests) != 1 {
			t.Fatalf("queue: %+v", list)
		}
		page := cm.get("/privacy")
		if page.StatusCode != 200 || !strings.Contains(page.body, c.Number) || !strings.Contains(page.body, "执行删除") {
			t.Fatalf("queue page: %d", page.StatusCode)
		}
		if r := cm.form("POST", "/privacy/requests/"+itoa(list.Requests[0].ID)+"/decide", url.Values{"action": {"complete"}}); r.StatusCode != 303 {
			t.Fatalf("carry out: %d %s", r.StatusCode, r.body)
		}
		done, err := e.db.GetPrivacyRequest(ctx, list.Requests[0].ID)
		if err != nil || done.Status != "done" || !strings.Contains(done.Reason, "姓名及调解协议") {
			t.Fatalf("carried out: %+v %v", done, err)
		}
		p := consumerParty(t, e, c.ID)
		if p.PhoneSealed != "" || p.PhoneHash != "" || p.PhoneMask != "" || p.IDSealed != "" || p.IDMask != "" || p.Address != "" || p.Name != party.Name {
			t.Fatalf("erased party: %+v", p)
		}
		if _, err := e.db.GetAgreement(ctx, c.ID); err != nil {
			t.Fatalf("the dossier lost its agreement: %v", err)
		}
		// A reveal now has nothing to show and logs nothing.
		if r := cm.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/parties/"+itoa(p.ID)+"/reveal", map[string]any{"field": "phone", "purpose": "call"}, nil); r.StatusCode != 422 ||
			!strings.Contains(r.body, "删除") {
			t.Fatalf("reveal of an erased phone: %d %s", r.StatusCode, r.body)
		}
		// Each step is on the audit trail.
		es, err := e.db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "privacy_request:"})
		if err != nil {
			t.Fatal(err)
		}
		acts := map[string]bool{}
		for _, en := range es {
			acts[en.Action] = true
		}
		if !acts["privacy request delete"] || !acts["privacy request refused"] || !acts["privacy request done"] {
			t.Fatalf("audit actions: %v", acts)
		}
	})
}

// The party asks on their own page; the committee answers; the party
// downloads their data as JSON.
func TestPrivacyPartyExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		_, id, links := onlineCase(t, e)
		party := consumerParty(t, e, id)
		phone, err := testSealer().Open(party.PhoneSealed)
		if err != nil || phone == "" {
			t.Fatalf("phone: %q %v", phone, err)
		}
		anon := e.anon()
		link := links["consumer"]
		pg := anon.get(link + "/privacy")
		if pg.StatusCode != 200 || !strings.Contains(pg.body, party.PhoneMask) || strings.Contains(pg.body, phone) || pg.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("my data page: %d", pg.StatusCode)
		}
		if r := anon.get(link + "/privacy/export.json"); r.StatusCode != 404 {
			t.Fatalf("download before the answer: %d", r.StatusCode)
		}
		if r := anon.form("POST", link+"/privacy", url.Values{"kind": {"export"}}); r.StatusCode != 303 {
			t.Fatalf("party request: %d %s", r.StatusCode, r.body)
		}
		cm := e.login("committee01")
		var list struct {
			Requests []struct {
				ID        int64
				Via, Kind string
			}
		}
		json_(cm.json("GET", "/api/v1/privacy/requests?status=pending", nil, nil).body, &list)
		if len(list.Requests) != 1 || list.Requests[0].Via != "party" || list.Requests[0].Kind != "export" {
			t.Fatalf("queue: %+v", list)
		}
		if r := cm.json("POST", "/api/v1/privacy/requests/"+itoa(list.Requests[0].ID)+"/decide", map[string]any{"action": "refuse"}, nil); r.StatusCode != 422 {
			t.Fatalf("refusal without a reason: %d", r.StatusCode)
		}
		if r := cm.json("POST", "/api/v1/privacy/requests/"+itoa(list.Requests[0].ID)+"/decide", map[string]any{"action": "complete"}, nil); r.StatusCode != 200 {
			t.Fatalf("answer: %d %s", r.StatusCode, r.body)
		}
		dl := anon.get(link + "/privacy/export.json")
		var ex struct {
			CaseNumber string `json:"case_number"`
			Phone      string
			Name       string
			Requests   []struct{ Status string }
		}
		json_(dl.body, &ex)
		if dl.StatusCode != 200 || ex.Phone != phone || ex.Name != party.Name || len(ex.Requests) != 1 ||
			!strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %s", dl.StatusCode, dl.body)
		}
		if r := anon.get(links["merchant"] + "/privacy/export.json"); r.StatusCode != 404 {
			t.Fatalf("the other party downloaded: %d", r.StatusCode)
		}
	})
}

// waitFirstSweep waits until the job queue's start-up run of the
// retention sweep has recorded itself.
func waitFirstSweep(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := e.db.LastPrivacySweep(context.Background())
		if err == nil {
			return
		}
		if !errors.Is(err, store.ErrNotFound) || time.Now().After(deadline) {
			t.Fatalf("the queue's first retention sweep: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The retention sweep (the job queue's periodic sweep) anonymises the
// contact data of cases whose period has passed, and nothing else.
func TestRetentionSweep(t *testing.T) {
	forEachPrivacyEnv(t, func(t *testing.T, e *env, clock *atomic.Int64) {
		ctx := context.Background()
		// The queue runs the sweep once when it starts; wait for that run,
		// or it may land after the clock moves and record a later sweep
		// that finds nothing left (a PostgreSQL flake in CI).
		waitFirstSweep(t, e)
		m := e.login("mediator01")
		closed := registerCase(t, m)
		if r := m.json("POST", "/api/v1/cases/"+itoa(closed)+"/reject", map[string]any{"reason": "over_three_years"}, nil); r.StatusCode != 200 {
			t.Fatalf("reject: %d %s", r.StatusCode, r.body)
		}
		open := registerCase(t, m)
		arch, _ := archivedCase(t, e)
		cm := e.login("committee01")
		if r := cm.json("POST", "/api/v1/privacy/retention", map[string]any{"closed_years": 0, "archived_years": 5}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "1至30年") {
			t.Fatalf("bad retention: %d %s", r.StatusCode, r.body)
		}
		if r := cm.json("POST", "/api/v1/privacy/retention", map[string]any{"closed_years": 2, "archived_years": 5}, nil); r.StatusCode != 200 {
			t.Fatalf("retention: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("admin").json("POST", "/api/v1/privacy/retention", map[string]any{"closed_years": 1, "archived_years": 1}, nil); r.StatusCode != 403 {
			t.Fatalf("admin set retention: %d", r.StatusCode)
		}

		// Now: nothing has expired.
		if err := e.svc.Jobs.RunSweep(ctx, platform.PrivacySweep); err != nil {
			t.Fatal(err)
		}
		if p := consumerParty(t, e, closed); p.PhoneSealed == "" {
			t.Fatal("a fresh case was anonymised")
		}

		// Three years on: the rejected case (2 years) expires; the open
		// case and the archived dossier (5 years) do not.
		clock.Store(time.Now().AddDate(3, 0, 0).UnixNano())
		if err := e.svc.Jobs.RunSweep(ctx, platform.PrivacySweep); err != nil {
			t.Fatal(err)
		}
		if p := consumerParty(t, e, closed); p.PhoneSealed != "" || p.PhoneMask != "" || p.IDSealed != "" || p.Name == "李雷" {
			t.Fatalf("expired case not anonymised: %+v", p)
		}
		if p := consumerParty(t, e, open); p.PhoneSealed == "" {
			t.Fatal("an open case was anonymised")
		}
		if p := consumerParty(t, e, arch.ID); p.PhoneSealed == "" {
			t.Fatal("an archived dossier was anonymised before its period")
		}
		sw, err := e.db.LastPrivacySweep(ctx)
		if err != nil || sw.Cases < 1 || sw.Parties < 2 {
			t.Fatalf("sweep record: %+v %v", sw, err)
		}
		if page := cm.get("/privacy"); page.StatusCode != 200 || !strings.Contains(page.body, "最近一次保存期限检查") {
			t.Fatalf("privacy page: %d", page.StatusCode)
		}

		// Six years on: the archived dossier's contact data goes, its names stay.
		clock.Store(time.Now().AddDate(6, 0, 0).UnixNano())
		if err := e.svc.Jobs.RunSweep(ctx, platform.PrivacySweep); err != nil {
			t.Fatal(err)
		}
		full, err := e.db.GetCase(ctx, arch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range full.Parties {
			if p.PhoneSealed != "" || p.IDSealed != "" || p.Address != "" || p.Name != arch.Parties[i].Name {
				t.Fatalf("archived party after its period: %+v", p)
			}
		}
	})
}

// The reveal log lists the newest 500 of what matches and says when older
// ones match too, on the page and in the API; a date range narrows it.
func TestRevealLogSaysMore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		caseID := firstRoutedCase(t, e)
		c, err := e.db.GetCase(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		party := consumerParty(t, e, caseID)
		med := userID(t, e, "mediator01")
		old := time.Now().AddDate(0, 0, -30)
		for i := range privacy.RevealsShown + 1 {
			at := old.Add(time.Duration(i) * time.Minute)
			if i == privacy.RevealsShown {
				at = time.Now()
			}
			r := store.PIIReveal{CaseID: caseID, PartyID: party.ID, OrgPath: c.OrgPath, Field: "phone", Purpose: "call", UserID: med,
				UserName: "mediator01", Role: "mediator", ClientAddr: "127.0.0.1", At: at, Expires: at.Add(time.Minute)}
			if err := e.db.RecordReveal(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
		au := e.login("auditor01")
		var log struct {
			Reveals []json.RawMessage
			More    bool
		}
		r := au.json("GET", "/api/v1/privacy/reveals?case_id="+itoa(caseID), nil, nil)
		json_(r.body, &log)
		if r.StatusCode != 200 || len(log.Reveals) != privacy.RevealsShown || !log.More {
			t.Fatalf("API: %d, %d reveals, more %v", r.StatusCode, len(log.Reveals), log.More)
		}
		if page := au.get("/privacy/reveals?case_id=" + itoa(caseID)); !strings.Contains(page.body, "更早的记录未列出") {
			t.Fatalf("the page does not say older reveals match")
		}
		today := calendar.DateOf(time.Now()).String() // the auditor's day, in Shanghai
		r = au.json("GET", "/api/v1/privacy/reveals?case_id="+itoa(caseID)+"&from="+today+"&to="+today, nil, nil)
		json_(r.body, &log)
		if len(log.Reveals) == 0 || len(log.Reveals) > 2 || log.More {
			t.Fatalf("today's reveals: %d, more %v", len(log.Reveals), log.More)
		}
		if page := au.get("/privacy/reveals?case_id=" + itoa(caseID) + "&from=" + today); strings.Contains(page.body, "更早的记录未列出") {
			t.Fatalf("the page says more though all are listed")
		}
	})
}
