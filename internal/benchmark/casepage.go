package benchmark

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// CasePageOptions shape a case-page run.
type CasePageOptions struct {
	Cases    int           // demo cases to seed when the database is empty
	Clients  int           // concurrent clients (64)
	Duration time.Duration // per side (app, then raw)
	// User and Password sign in; the defaults are the demo's committee01
	// and the password the seeding sets.
	User, Password string
	Progress       io.Writer
	// Lists: load the web case list and the desk as well.
	Lists bool
}

// LoadFigure is one side of a load run.
type LoadFigure struct {
	Requests int
	PerSec   float64
	P50, P99 time.Duration
	NonOK    int // answers other than 2xx (and transport errors)
	// CPU is the process's CPU time per request (server and the in-process
	// clients), where measured: on a shared machine a steadier figure than
	// latency, since waiting for the CPU does not count.
	CPU time.Duration
}

func (l LoadFigure) String() string {
	s := fmt.Sprintf("%7.0f req/s  p50 %6.1f ms  p99 %6.1f ms  non-2xx %d of %d", l.PerSec,
		float64(l.P50.Microseconds())/1000, float64(l.P99.Microseconds())/1000, l.NonOK, l.Requests)
	if l.CPU > 0 {
		s += fmt.Sprintf("  cpu %.2f ms/req", float64(l.CPU.Microseconds())/1000)
	}
	return s
}

// CasePageResult compares the web case page with a raw point lookup served
// over the same HTTP stack from the same database.
type CasePageResult struct {
	Engine  string
	Cases   int
	Clients int
	App     LoadFigure // GET /cases/{id} as the committee's director
	Raw     LoadFigure // GET of a handler that reads one case row by id
	Ratio   float64    // App.PerSec / Raw.PerSec
	// List is the web case list (GET /cases?page=N, one of its first ten
	// pages), API the same list as JSON (GET /api/v1/cases?offset=…) and
	// Desk the committee's desk, all over HTTP: `bench lists` times the
	// lists' reads, these add the page or the JSON around.
	List, API, Desk LoadFigure
}

func (r CasePageResult) String() string {
	s := fmt.Sprintf("%-8s cases=%d clients=%d\n  case page   %s\n  point read  %s\n  ratio %.3f (app/raw req/s)   non-2xx %d",
		r.Engine, r.Cases, r.Clients, r.App, r.Raw, r.Ratio, r.App.NonOK)
	if r.App.CPU > 0 && r.Raw.CPU > 0 {
		s += fmt.Sprintf("   cpu per request %.1f× the raw lookup's", float64(r.App.CPU)/float64(r.Raw.CPU))
	}
	if r.List.Requests > 0 {
		s += fmt.Sprintf("\n  case list   %s\n  API list    %s\n  desk        %s", r.List, r.API, r.Desk)
	}
	return s
}

// CasePage seeds the demo (unless the database has it already), serves the
// platform over HTTP in this process and loads the case page from
// o.Clients clients for o.Duration, then a raw point lookup the same way.
func CasePage(ctx context.Context, db *sqlstore.DB, o CasePageOptions) (CasePageResult, error) {
	res := CasePageResult{Engine: db.Dialect(), Clients: o.Clients}
	ps, err := startCasePages(ctx, db, &o)
	if err != nil {
		return res, err
	}
	defer ps.close()
	res.Cases = ps.cases
	// Warm up: the first views fill caches and connection pools.
	pages, raw := byID(ps.url+"/cases/", ps.ids), byID(ps.url+"/raw/", ps.ids)
	load(ctx, ps.client, pages, o.Clients, time.Second)
	res.App = loadCPU(ctx, ps.client, pages, o.Clients, o.Duration)
	load(ctx, ps.client, raw, o.Clients, time.Second)
	res.Raw = loadCPU(ctx, ps.client, raw, o.Clients, o.Duration)
	if res.Raw.PerSec > 0 {
		res.Ratio = res.App.PerSec / res.Raw.PerSec
	}
	if o.Lists {
		list := func(rng *rand.Rand) string { return ps.url + "/cases?page=" + strconv.Itoa(1+rng.IntN(10)) }
		desk := func(*rand.Rand) string { return ps.url + "/desk" }
		load(ctx, ps.client, list, o.Clients, time.Second)
		res.List = loadCPU(ctx, ps.client, list, o.Clients, o.Duration)
		apiClient, err := ps.apiClient(ctx, o)
		if err != nil {
			return res, err
		}
		apiList := func(rng *rand.Rand) string { return ps.url + "/api/v1/cases?offset=" + strconv.Itoa(50*rng.IntN(10)) }
		load(ctx, apiClient, apiList, o.Clients, time.Second)
		res.API = loadCPU(ctx, apiClient, apiList, o.Clients, o.Duration)
		res.Desk = loadCPU(ctx, ps.client, desk, o.Clients, o.Duration)
	}
	return res, nil
}

// casePages is the platform served over HTTP in this process with a client
// signed in, the ids of the committee's cases and the raw lookup beside.
type casePages struct {
	url    string
	client *http.Client
	ids    []int64
	cases  int
	close  func()
}

// startCasePages seeds the demo (unless the database has it already) and
// serves the platform with the raw point lookup at /raw/{id}.
func startCasePages(ctx context.Context, db *sqlstore.DB, o *CasePageOptions) (*casePages, error) {
	if o.Clients < 1 {
		o.Clients = 1
	}
	if o.User == "" {
		o.User = "committee01"
	}
	if o.Password == "" {
		o.Password = "bench-pass-123"
	}
	key := make([]byte, 32)
	crand.Read(key)
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return nil, err
	}
	empty, err := demo.IsEmpty(ctx, db)
	if err != nil {
		return nil, err
	}
	if empty {
		hash, err := auth.FixtureHash(o.Password)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		var prog func(done, total int)
		if o.Progress != nil {
			prog = func(done, total int) {
				if done%50000 < 1000 || done == total {
					fmt.Fprintf(o.Progress, "  seeding %d/%d\n", done, total)
				}
			}
		}
		if _, err := demo.Build(ctx, db, sealer, demo.Options{Cases: o.Cases, Password: o.Password, PasswordHash: hash, Now: time.Now(), Progress: prog}); err != nil {
			return nil, fmt.Errorf("seed demo: %w", err)
		}
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "  seeded %d cases in %v\n", o.Cases, time.Since(start).Round(time.Second))
		}
		// As autovacuum leaves it once the load has settled (the lists'
		// and the evaluation's benchmarks do the same): without statistics
		// PostgreSQL scanned the cases for the desk's open groups, 16 ms a
		// desk at 10,000 cases against 0.05 ms by the partial index.
		if err := analyze(ctx, db); err != nil {
			return nil, err
		}
	}
	pools := db.Pools()
	reader := pools["read"]
	if reader == nil {
		reader = pools["pool"]
	}
	ps := &casePages{}
	var ids []int64
	cmt, err := db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	if err != nil {
		return nil, err
	}
	rows, err := reader.QueryContext(ctx, `SELECT id FROM cases WHERE committee_id = $1 ORDER BY id DESC LIMIT 20000`, cmt.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&ps.cases); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no cases of %s to view", demo.CodeCommittee)
	}
	svc, err := platform.New(platform.Config{Store: db, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "http://parties.example"})
	if err != nil {
		return nil, err
	}
	// The stored due dates, as the server's periodic job keeps them: the
	// desk's clock section reads them (computing every open case's clocks
	// instead while they are stale).
	if _, err := svc.Desk.RefreshDue(ctx); err != nil {
		return nil, fmt.Errorf("compute due dates: %w", err)
	}
	srv, err := server.New(server.Options{Services: svc, Store: db, Pools: pools})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /raw/{id}", func(w http.ResponseWriter, r *http.Request) {
		var number, status string
		if err := reader.QueryRowContext(r.Context(), `SELECT number, status FROM cases WHERE id = $1`, r.PathValue("id")).Scan(&number, &status); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "<p>%s %s</p>", number, status)
	})
	mux.Handle("/", srv.Handler())
	ts := httptest.NewServer(mux)
	tr := &http.Transport{MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2}
	ps.close = func() { tr.CloseIdleConnections(); ts.Close() }
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: tr, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	lr, err := client.PostForm(ts.URL+"/login", url.Values{"username": {o.User}, "password": {o.Password}})
	if err != nil {
		ps.close()
		return nil, err
	}
	io.Copy(io.Discard, lr.Body)
	lr.Body.Close()
	if lr.StatusCode != http.StatusSeeOther {
		ps.close()
		return nil, fmt.Errorf("sign in as %s: HTTP %d", o.User, lr.StatusCode)
	}
	ps.url, ps.client, ps.ids = ts.URL, client, ids
	return ps, nil
}

// apiClient is a client of the JSON API signed in as the same user: a
// bearer token on every request.
func (ps *casePages) apiClient(ctx context.Context, o CasePageOptions) (*http.Client, error) {
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, o.User, o.Password)
	req, err := http.NewRequestWithContext(ctx, "POST", ps.url+"/api/v1/auth/token", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	r, err := ps.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&tok); err != nil || r.StatusCode != http.StatusOK || tok.Token == "" {
		return nil, fmt.Errorf("API token for %s: HTTP %d %v", o.User, r.StatusCode, err)
	}
	return &http.Client{Transport: bearer{base: ps.client.Transport, token: tok.Token}}, nil
}

// bearer adds an API token to each request.
type bearer struct {
	base  http.RoundTripper
	token string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// byID is the page of a random one of ids under prefix.
func byID(prefix string, ids []int64) func(*rand.Rand) string {
	return func(rng *rand.Rand) string { return prefix + strconv.FormatInt(ids[rng.IntN(len(ids))], 10) }
}

// loadCPU is load with the process's CPU time per request.
func loadCPU(ctx context.Context, client *http.Client, next func(*rand.Rand) string, n int, d time.Duration) LoadFigure {
	before := cpuTime()
	l := load(ctx, client, next, n, d)
	if l.Requests > 0 {
		l.CPU = (cpuTime() - before) / time.Duration(l.Requests)
	}
	return l
}

// cpuTime is the user and system CPU this process has used (0 where unknown).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// load GETs the pages next picks from n clients for d.
func load(ctx context.Context, client *http.Client, next func(*rand.Rand) string, n int, d time.Duration) LoadFigure {
	var mu sync.Mutex
	var all []time.Duration
	nonOK := 0
	end := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 17))
			var lat []time.Duration
			bad := 0
			var buf bytes.Buffer
			for time.Now().Before(end) && ctx.Err() == nil {
				path := next(rng)
				t0 := time.Now()
				r, err := client.Get(path)
				if err != nil {
					bad++
					lat = append(lat, time.Since(t0))
					continue
				}
				buf.Reset()
				buf.ReadFrom(r.Body)
				r.Body.Close()
				lat = append(lat, time.Since(t0))
				if r.StatusCode < 200 || r.StatusCode > 299 || strings.Contains(buf.String(), "系统错误") {
					bad++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			nonOK += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(all)
	l := LoadFigure{Requests: len(all), NonOK: nonOK, PerSec: float64(len(all)) / took.Seconds()}
	if len(all) > 0 {
		l.P50 = all[(len(all)-1)*50/100]
		l.P99 = all[(len(all)-1)*99/100]
	}
	return l
}
