package smartmediation_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
)

const (
	testKey       = "k-secret"
	testCommittee = "310115001"
)

// rig is a peer behind a real HTTP server with a client pointed at it.
type rig struct {
	peer   *peer.Server
	srv    *httptest.Server
	client *sm.Client
}

func newRig(t testing.TB, opts peer.Options) *rig {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	if opts.Committees == nil {
		opts.Committees = []string{testCommittee, "310115002"}
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return at("2026-04-01 08:00") }
	}
	p := peer.New(opts)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &rig{peer: p, srv: srv, client: &sm.Client{BaseURL: srv.URL + "/", APIKey: testKey, CommitteeCode: testCommittee, HTTP: srv.Client()}}
}

// apiErr fails unless err is an *sm.Error, and returns it.
func apiErr(t *testing.T, err error) *sm.Error {
	t.Helper()
	var e *sm.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *smartmediation.Error", err, err)
	}
	return e
}

func TestPutCaseUpsert(t *testing.T) {
	r := newRig(t, peer.Options{})
	ctx := context.Background()
	rec := mustBuild(t, fullSource())
	first, err := r.client.PutCase(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if first.PlatformID != "SH-TJ-2026-000001" || first.Revision != 1 || first.Unchanged || first.Digest != sm.Digest(rec) {
		t.Errorf("first write = %+v, want a new id, revision 1 and our digest", first)
	}
	again, err := r.client.PutCase(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if again.PlatformID != first.PlatformID || again.Revision != 1 || !again.Unchanged {
		t.Errorf("identical repeat = %+v, want the same id, revision 1, unchanged", again)
	}
	rec.PerformanceStatus = codeOf(sm.TablePerformanceStatus, "performed")
	changed, err := r.client.PutCase(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if changed.PlatformID != first.PlatformID || changed.Revision != 2 || changed.Unchanged {
		t.Errorf("changed body = %+v, want the same id at revision 2", changed)
	}
	other, err := r.client.PutCase(ctx, mustBuild(t, minimalSource()))
	if err != nil || other.PlatformID != "SH-TJ-2026-000002" {
		t.Errorf("another case = %+v, %v; want the next id", other, err)
	}
	st, ok := r.peer.Case(rec.CaseCode)
	if !ok || st.Record.PerformanceStatus != rec.PerformanceStatus || st.Digest != sm.Digest(rec) {
		t.Errorf("the peer holds %+v", st)
	}
	if w := r.peer.Writes(rec.CaseCode); w != 2 {
		t.Errorf("writes = %d, want 2 (the identical repeat wrote nothing)", w)
	}
	if c := r.peer.Count(); c.Accepted != 3 || c.Unchanged != 1 || c.Rejected != 0 || c.Cases != 2 {
		t.Errorf("counts = %+v", c)
	}
}

func TestPutCaseFailures(t *testing.T) {
	rec := mustBuild(t, fullSource())
	tests := []struct {
		name      string
		setup     func(*rig)
		status    int
		code      string
		retryable bool
		after     time.Duration
	}{
		{"unavailable", func(r *rig) { r.peer.FailNext(1) }, 503, "unavailable", true, 0},
		{"throttled", func(r *rig) { r.peer.ThrottleNext(1, 2500*time.Millisecond) }, 429, "too_many_requests", true, 3 * time.Second},
		{"accepted then 500", func(r *rig) { r.peer.AcceptThenFail(1) }, 500, "internal", true, 0},
		{"wrong key", func(r *rig) { r.client.APIKey = "guess" }, 401, "unauthorized", false, 0},
		{"foreign committee", func(r *rig) { r.client.CommitteeCode = "999" }, 403, "forbidden", false, 0},
		{"other committee's case", func(r *rig) { r.client.CommitteeCode = "310115002" }, 403, "forbidden", false, 0},
		{"rejected case", func(r *rig) {
			r.peer.RejectCase(rec.CaseCode, sm.FieldError{Field: "summary", Message: "纠纷简要情况过于简单"})
		}, 422, "invalid", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, peer.Options{})
			tt.setup(r)
			_, err := r.client.PutCase(context.Background(), rec)
			e := apiErr(t, err)
			if e.Status != tt.status || e.Code != tt.code || e.Retryable != tt.retryable || e.RetryAfter != tt.after {
				t.Errorf("got status %d code %s retryable %v after %v; want %d %s %v %v",
					e.Status, e.Code, e.Retryable, e.RetryAfter, tt.status, tt.code, tt.retryable, tt.after)
			}
			if ok, after := sm.Retryable(err); ok != tt.retryable || after != tt.after {
				t.Errorf("Retryable(err) = %v, %v", ok, after)
			}
			if e.Message == "" || !strings.Contains(e.Error(), e.Message) || !strings.Contains(e.Error(), rec.CaseCode) {
				t.Errorf("error text %q should name the case and say why", e.Error())
			}
		})
	}
}

func TestPutCaseRecoversAfterRetryableFailures(t *testing.T) {
	r := newRig(t, peer.Options{})
	rec := mustBuild(t, fullSource())
	r.peer.FailNext(2)
	for i := 0; i < 2; i++ {
		if ok, _ := sm.Retryable(func() error { _, err := r.client.PutCase(context.Background(), rec); return err }()); !ok {
			t.Fatalf("attempt %d: want a retryable failure", i+1)
		}
	}
	if _, err := r.client.PutCase(context.Background(), rec); err != nil {
		t.Fatalf("third attempt: %v", err)
	}
	if c := r.peer.Count(); c.Injected != 2 || c.Accepted != 1 {
		t.Errorf("counts = %+v", c)
	}
}

// A write that lands while its answer is lost: the retry gets the same id
// and stores nothing new.
func TestAcceptThenFailRetryGetsSameID(t *testing.T) {
	r := newRig(t, peer.Options{})
	rec := mustBuild(t, fullSource())
	r.peer.AcceptThenFail(1)
	_, err := r.client.PutCase(context.Background(), rec)
	if e := apiErr(t, err); !e.Retryable {
		t.Fatalf("a 500 must be retryable: %+v", e)
	}
	landed, ok := r.peer.Case(rec.CaseCode)
	if !ok {
		t.Fatal("the write should have landed")
	}
	res, err := r.client.PutCase(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.PlatformID != landed.PlatformID || !res.Unchanged || res.Revision != 1 {
		t.Errorf("retry = %+v, want %s unchanged at revision 1", res, landed.PlatformID)
	}
	if w := r.peer.Writes(rec.CaseCode); w != 1 {
		t.Errorf("writes = %d, want the body stored once", w)
	}
	// Reconciliation finds the id we never recorded.
	held, err := r.client.ListCases(context.Background(), testCommittee)
	if err != nil {
		t.Fatal(err)
	}
	ms := sm.Reconcile([]sm.Ours{{CaseCode: rec.CaseCode, Digest: sm.Digest(rec)}}, held)
	if len(ms) != 1 || ms[0].Kind != sm.PlatformIDUnrecorded || ms[0].TheirPlatformID != landed.PlatformID {
		t.Errorf("reconcile = %+v", ms)
	}
}

func TestPutCaseDuplicateDocket(t *testing.T) {
	r := newRig(t, peer.Options{})
	first := mustBuild(t, fullSource())
	res, err := r.client.PutCase(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	src := fullSource()
	src.Case.Seq = 124 // another case code, the same 案号
	dup := mustBuild(t, src)
	_, err = r.client.PutCase(context.Background(), dup)
	e := apiErr(t, err)
	if e.Status != 409 || e.Code != "duplicate" || e.Retryable || e.ExistingPlatformID != res.PlatformID {
		t.Errorf("duplicate = %+v, want 409 naming %s", e, res.PlatformID)
	}
	if _, ok := r.peer.Case(dup.CaseCode); ok || r.peer.Writes(dup.CaseCode) != 0 {
		t.Error("a duplicate must not be stored")
	}
	// A case may change its own 案号, freeing the old one.
	first.DocketNumber = "（2026）浦消调字第00999号"
	if _, err := r.client.PutCase(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.PutCase(context.Background(), dup); err != nil {
		t.Errorf("the freed 案号 should be taken: %v", err)
	}
}

func TestPutCaseValidationFromPlatform(t *testing.T) {
	r := newRig(t, peer.Options{})
	rec := mustBuild(t, minimalSource())
	rec.DisputeCategory = "77"
	rec.Parties[0].PhoneMasked = "13812345678" // a full phone the platform must refuse
	_, err := r.client.PutCase(context.Background(), rec)
	e := apiErr(t, err)
	if e.Status != 422 || e.Retryable || len(e.Fields) != 2 || e.Fields[0].Field != "dispute_category" || e.Fields[1].Field != "parties.0.phone_masked" {
		t.Errorf("error = %+v", e)
	}
	if strings.Contains(e.Error(), "13812345678") {
		t.Error("the error repeats the phone number")
	}
	rec = mustBuild(t, minimalSource())
	rec.FormatVersion = "2.0"
	if e := apiErr(t, func() error { _, err := r.client.PutCase(context.Background(), rec); return err }()); e.Code != "unsupported_version" {
		t.Errorf("format 2.0: %+v", e)
	}
	if c := r.peer.Count(); c.Rejected != 2 || c.Cases != 0 {
		t.Errorf("counts = %+v", c)
	}
}

// A platform message that repeats personal numbers is scrubbed before it
// reaches an error, and so a log.
func TestErrorsNeverCarryFullNumbers(t *testing.T) {
	r := newRig(t, peer.Options{})
	rec := mustBuild(t, minimalSource())
	r.peer.RejectCase(rec.CaseCode, sm.FieldError{Field: "parties.0.phone_masked", Message: "电话13812345678已被其他案件使用"})
	_, err := r.client.PutCase(context.Background(), rec)
	e := apiErr(t, err)
	if strings.Contains(err.Error(), "13812345678") || strings.Contains(e.Fields[0].Message, "13812345678") || !strings.Contains(e.Fields[0].Message, "138****5678") {
		t.Errorf("error %q / %q must carry the number masked", err, e.Fields[0].Message)
	}
	r.peer.RejectCase(rec.CaseCode, sm.FieldError{})
	if _, err := r.client.PutCase(context.Background(), rec); err != nil {
		t.Errorf("after lifting the refusal: %v", err)
	}
}

func TestTimeoutsAndNetworkErrorsAreRetryable(t *testing.T) {
	r := newRig(t, peer.Options{})
	r.peer.SetLatency(2 * time.Second)
	rec := mustBuild(t, minimalSource())

	short := *r.client
	short.HTTP = &http.Client{Timeout: 50 * time.Millisecond}
	e := apiErr(t, func() error { _, err := short.PutCase(context.Background(), rec); return err }())
	if e.Code != "timeout" || !e.Retryable || e.Status != 0 || e.Err == nil {
		t.Errorf("client timeout = %+v", e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	e = apiErr(t, func() error { _, err := r.client.PutCase(ctx, rec); return err }())
	if e.Code != "timeout" || !e.Retryable || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("context deadline = %+v", e)
	}
	r.peer.SetLatency(0)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	gone := sm.Client{BaseURL: closed.URL, APIKey: testKey, CommitteeCode: testCommittee}
	e = apiErr(t, func() error { _, err := gone.PutCase(context.Background(), rec); return err }())
	if e.Code != "network" || !e.Retryable {
		t.Errorf("no server = %+v", e)
	}
}

// roundTrip lets a test see the request the client sends.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Without a timeout of its own, a request is bounded by DefaultTimeout.
func TestDefaultTimeout(t *testing.T) {
	r := newRig(t, peer.Options{})
	var deadline time.Time
	c := *r.client
	c.HTTP = &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		deadline, _ = req.Context().Deadline()
		return http.DefaultTransport.RoundTrip(req)
	})}
	start := time.Now()
	if _, err := c.PutCase(context.Background(), mustBuild(t, minimalSource())); err != nil {
		t.Fatal(err)
	}
	if d := deadline.Sub(start); d < sm.DefaultTimeout-time.Second || d > sm.DefaultTimeout+time.Second {
		t.Errorf("request deadline in %v, want about %v", d, sm.DefaultTimeout)
	}
}

func TestRequestHeaders(t *testing.T) {
	r := newRig(t, peer.Options{})
	var keys []string
	var mu sync.Mutex
	c := *r.client
	c.HTTP = &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		keys = append(keys, req.Header.Get("Idempotency-Key"))
		mu.Unlock()
		if req.Header.Get("Authorization") != "Bearer "+testKey || req.Header.Get("X-Tiaojie-Committee") != testCommittee ||
			!strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
			t.Errorf("headers = %v", req.Header)
		}
		return http.DefaultTransport.RoundTrip(req)
	})}
	rec := mustBuild(t, minimalSource())
	for _, change := range []func(){func() {}, func() {}, func() { rec.AmountFen = 5 }} {
		change()
		if _, err := c.PutCase(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
	}
	if len(keys) != 3 || keys[0] == "" || keys[0] != keys[1] || keys[1] == keys[2] {
		t.Errorf("idempotency keys %q: the same body repeats its key, another body gets another", keys)
	}
}

func TestListCasesFollowsPages(t *testing.T) {
	r := newRig(t, peer.Options{PageSize: 2})
	ctx := context.Background()
	var ours []sm.Ours
	for seq := int64(1); seq <= 5; seq++ {
		src := minimalSource()
		src.Case.Seq, src.Case.Number = seq, fmt.Sprintf("（2026）浦消调字第%05d号", seq)
		rec := mustBuild(t, src)
		res, err := r.client.PutCase(ctx, rec)
		if err != nil {
			t.Fatal(err)
		}
		ours = append(ours, sm.Ours{CaseCode: rec.CaseCode, PlatformID: res.PlatformID, Digest: sm.Digest(rec)})
	}
	// Another committee's case is not listed for ours.
	other := *r.client
	other.CommitteeCode = "310115002"
	src := minimalSource()
	src.CommitteeCode, src.Case.Number = "310115002", "（2026）川消调字第00001号"
	if _, err := other.PutCase(ctx, mustBuild(t, src)); err != nil {
		t.Fatal(err)
	}
	held, err := r.client.ListCases(ctx, testCommittee)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 5 {
		t.Fatalf("listed %d cases, want 5", len(held))
	}
	for i, h := range held {
		if h.CaseCode != ours[i].CaseCode || h.PlatformID != ours[i].PlatformID || h.Digest != ours[i].Digest || h.Revision != 1 || h.UpdatedAt.IsZero() {
			t.Errorf("held %d = %+v, want %+v", i, h, ours[i])
		}
	}
	if ms := sm.Reconcile(ours, held); len(ms) != 0 {
		t.Errorf("in step, yet %+v", ms)
	}
	if _, err := r.client.ListCases(ctx, "310115002"); apiErr(t, err).Status != 403 {
		t.Errorf("listing another committee: %v", err)
	}
	empty := newRig(t, peer.Options{})
	if held, err := empty.client.ListCases(ctx, testCommittee); err != nil || len(held) != 0 {
		t.Errorf("empty platform: %v, %v", held, err)
	}
}

// A platform whose page tokens go round in circles is caught.
func TestListCasesStopsOnRepeatedToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"items":[{"case_code":"a"}],"next_page_token":"same"}`))
	}))
	defer srv.Close()
	c := sm.Client{BaseURL: srv.URL, APIKey: testKey, CommitteeCode: testCommittee}
	_, err := c.ListCases(context.Background(), testCommittee)
	if e := apiErr(t, err); e.Code != "bad_response" || e.Retryable {
		t.Errorf("looping tokens = %+v", e)
	}
}

func TestBadAnswers(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"not JSON":       func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) },
		"no platform id": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"revision":1}`)) },
		"proxy 502": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(time.Minute).UTC().Format(http.TimeFormat))
			w.WriteHeader(502)
			w.Write([]byte("<html>bad gateway</html>"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := sm.Client{BaseURL: srv.URL, APIKey: testKey, CommitteeCode: testCommittee}
			e := apiErr(t, func() error { _, err := c.PutCase(context.Background(), mustBuild(t, minimalSource())); return err }())
			if !e.Retryable || e.Message == "" {
				t.Errorf("%+v: a garbled answer is retried", e)
			}
			if name == "proxy 502" && (e.Code != "http_502" || e.RetryAfter < 58*time.Second || e.RetryAfter > time.Minute) {
				t.Errorf("502 with an HTTP-date Retry-After: %+v", e)
			}
		})
	}
	c := sm.Client{BaseURL: "http://127.0.0.1:1"}
	rec := mustBuild(t, minimalSource())
	rec.CaseCode = "../orgs/x"
	if e := apiErr(t, func() error { _, err := c.PutCase(context.Background(), rec); return err }()); e.Code != "invalid_code" || e.Retryable {
		t.Errorf("a bad code is refused before sending: %+v", e)
	}
}

func TestPutOrgAndMediator(t *testing.T) {
	r := newRig(t, peer.Options{StrictReferences: true})
	ctx := context.Background()
	rec := mustBuild(t, fullSource())
	_, err := r.client.PutCase(ctx, rec)
	if e := apiErr(t, err); e.Status != 422 || len(e.Fields) != 4 {
		t.Fatalf("a strict platform wants the committee, room and mediators first: %+v", e)
	}
	committee, err := sm.BuildOrg(sm.OrgSource{Unit: orgUnit("committee", "浦东新区消费纠纷人民调解委员会"), Code: testCommittee})
	if err != nil {
		t.Fatal(err)
	}
	room, err := sm.BuildOrg(sm.OrgSource{Unit: orgUnit("office_room", "陆家嘴联合人民调解工作室"), Code: "310115001-R03", ParentCode: testCommittee})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []sm.OrgRecord{committee, room} {
		res, err := r.client.PutOrg(ctx, o)
		if err != nil || res.PlatformID == "" || res.Revision != 1 {
			t.Fatalf("put org %s: %+v, %v", o.Code, res, err)
		}
	}
	if res, err := r.client.PutOrg(ctx, room); err != nil || !res.Unchanged {
		t.Errorf("repeat org: %+v, %v", res, err)
	}
	for _, code := range rec.MediatorCodes {
		m, err := sm.BuildMediator(sm.MediatorSource{User: user("王五"), Code: code, CommitteeCode: testCommittee, RoomCode: "310115001-R03"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.client.PutMediator(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.client.PutCase(ctx, rec); err != nil {
		t.Errorf("after the references: %v", err)
	}
	if e, ok := r.peer.Mediator("M0031"); !ok || !strings.Contains(string(e.Body), `"name":"王五"`) {
		t.Errorf("peer mediator = %+v", e)
	}
	// A room of another committee, and a mediator of another, are refused.
	foreign := room
	foreign.Code, foreign.ParentCode = "X-R1", "310115002"
	if _, err := r.client.PutOrg(ctx, foreign); apiErr(t, err).Status != 403 {
		t.Errorf("foreign room: %v", err)
	}
	m, _ := sm.BuildMediator(sm.MediatorSource{User: user("赵六"), Code: "M9", CommitteeCode: "310115002"})
	if _, err := r.client.PutMediator(ctx, m); apiErr(t, err).Status != 403 {
		t.Errorf("foreign mediator: %v", err)
	}
	m.CommitteeCode, m.Employment = testCommittee, "9"
	if _, err := r.client.PutMediator(ctx, m); apiErr(t, err).Status != 422 {
		t.Errorf("invalid mediator: %v", err)
	}
}

func BenchmarkPutCase(b *testing.B) {
	r := newRig(b, peer.Options{})
	ctx := context.Background()
	src := fullSource()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src.Case.Seq, src.Case.Number = int64(i+1), fmt.Sprintf("（2026）浦消调字第%07d号", i+1)
		rec, err := sm.BuildCase(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.client.PutCase(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
}
