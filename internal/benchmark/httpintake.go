package benchmark

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// HTTPIntakeOptions shape an HTTP intake run.
type HTTPIntakeOptions struct {
	N       int // complaints posted per side (batched, then one transaction each)
	Clients int // concurrent API clients (16)
}

// HTTPIntakeResult compares complaints filed through the real HTTP API
// (POST /api/v1/complaints with a bearer token) with the engine's raw
// single-row transactions, measured in the same run on the same database.
type HTTPIntakeResult struct {
	Engine       string
	Cases        int // cases in the database before the run
	Clients      int
	Batched      LoadFigure // the platform as wired: the commit batcher
	MeanBatch    float64    // complaints per shared transaction
	OneByOne     LoadFigure // the same API with one transaction per complaint (batches of one)
	RawPerSec    float64    // single-row INSERT transactions, one client
	Raw16PerSec  float64    // the same from Clients concurrent clients
	Ratio        float64    // Batched.PerSec / RawPerSec
	Ratio16      float64    // Batched.PerSec / Raw16PerSec
	OneByOneRate float64    // OneByOne.PerSec / RawPerSec
}

func (r HTTPIntakeResult) String() string {
	return fmt.Sprintf("%-8s cases before=%d clients=%d  HTTP POST /api/v1/complaints\n"+
		"  batched      %s  (%.1f complaints per transaction)\n"+
		"  one by one   %s\n"+
		"  raw single-row transactions: %.0f/s one client, %.0f/s %d clients\n"+
		"  ratio batched/raw %.2f (vs %d-client raw %.2f); one by one/raw %.2f",
		r.Engine, r.Cases, r.Clients, r.Batched, r.MeanBatch, r.OneByOne, r.RawPerSec, r.Raw16PerSec, r.Clients,
		r.Ratio, r.Clients, r.Ratio16, r.OneByOneRate)
}

const (
	httpBenchUser = "bench-intake"
	httpBenchPass = "bench-intake-pass-123"
)

// HTTPIntake serves the platform over HTTP in this process, signs a
// committee user in for an API token, and posts o.N complaints from
// o.Clients clients twice: through the commit batcher (as wired), then with
// batches of one (a transaction per complaint); then it times the raw
// single-row transactions of the same engine. A database seeded by an
// earlier run (or by `tiaojie bench lists`) is used as it is; its org unit
// and user for this benchmark are added once.
func HTTPIntake(ctx context.Context, db *sqlstore.DB, o HTTPIntakeOptions) (HTTPIntakeResult, error) {
	res := HTTPIntakeResult{Engine: db.Dialect(), Clients: o.Clients}
	if err := db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&res.Cases); err != nil {
		return res, err
	}
	if err := httpIntakeUser(ctx, db); err != nil {
		return res, fmt.Errorf("bench user: %w", err)
	}
	key := make([]byte, 32)
	crand.Read(key)
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return res, err
	}
	svc, err := platform.New(platform.Config{Store: db, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "http://parties.example"})
	if err != nil {
		return res, err
	}
	srv, err := server.New(server.Options{Services: svc, Store: db, Pools: db.Pools()})
	if err != nil {
		return res, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tr := &http.Transport{MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	token, err := apiToken(ctx, client, ts.URL)
	if err != nil {
		return res, err
	}
	seed := uint64(time.Now().UnixNano())
	batcher := svc.Complaints
	// Warm up: connections, prepared statements, the org tree.
	if _, err := postComplaints(ctx, client, ts.URL, token, Complaints(2*o.Clients, seed), o.Clients); err != nil {
		return res, err
	}
	// The two sides alternate in rounds of 200 complaints, so the growing
	// tables and the machine's load fall on both alike.
	oneByOne := &intake.Batcher{Service: svc.Intake, Max: 1}
	var sides [2]loadRun
	b0, c0 := batcher.Stats()
	all := Complaints(2*o.N, seed+1)
	const round = 200
	for i := 0; i < o.N; i += round {
		for side := range 2 {
			if (i/round)%2 == 1 {
				side = 1 - side
			}
			svc.Complaints = batcher
			if side == 1 {
				svc.Complaints = oneByOne
			}
			end := min(i+round, o.N)
			if err := sides[side].post(ctx, client, ts.URL, token, all[side*o.N+i:side*o.N+end], o.Clients); err != nil {
				return res, err
			}
		}
	}
	svc.Complaints = batcher
	res.Batched, res.OneByOne = sides[0].figure(), sides[1].figure()
	if b1, c1 := batcher.Stats(); b1 > b0 {
		res.MeanBatch = float64(c1-c0) / float64(b1-b0)
	}
	if res.RawPerSec, err = rawCeiling(ctx, db, o.N); err != nil {
		return res, err
	}
	if res.Raw16PerSec, err = rawConcurrent(ctx, db, o.N, o.Clients); err != nil {
		return res, err
	}
	res.Ratio = res.Batched.PerSec / res.RawPerSec
	res.Ratio16 = res.Batched.PerSec / res.Raw16PerSec
	res.OneByOneRate = res.OneByOne.PerSec / res.RawPerSec
	return res, nil
}

// httpIntakeUser adds (once) a committee and a committee user to sign in.
func httpIntakeUser(ctx context.Context, db *sqlstore.DB) error {
	if _, err := db.GetUserByUsername(ctx, httpBenchUser); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	city := store.OrgUnit{Kind: domain.OrgCity, Code: "bench-http-city", Name: "基准市"}
	if err := db.CreateOrgUnit(ctx, &city); err != nil {
		return err
	}
	dist := store.OrgUnit{ParentID: city.ID, Kind: domain.OrgDistrict, Code: "bench-http-d", Name: "基准区"}
	if err := db.CreateOrgUnit(ctx, &dist); err != nil {
		return err
	}
	cmt := store.OrgUnit{ParentID: dist.ID, Kind: domain.OrgCommittee, Code: "bench-http-c", Name: "基准区消费纠纷人民调解委员会", Abbr: "基"}
	if err := db.CreateOrgUnit(ctx, &cmt); err != nil {
		return err
	}
	hash, err := auth.FixtureHash(httpBenchPass)
	if err != nil {
		return err
	}
	u := store.User{Username: httpBenchUser, DisplayName: "基准登记员", PasswordHash: hash, Active: true}
	if err := db.CreateUser(ctx, &u); err != nil {
		return err
	}
	return db.AddBinding(ctx, store.Binding{UserID: u.ID, Role: domain.RoleCommittee, OrgID: cmt.ID})
}

// apiToken exchanges the bench user's password for a bearer token.
func apiToken(ctx context.Context, client *http.Client, base string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": httpBenchUser, "password": httpBenchPass})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/auth/token", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	r, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer r.Body.Close()
	var tr struct {
		Token string `json:"token"`
	}
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusOK || json.Unmarshal(b, &tr) != nil || tr.Token == "" {
		return "", fmt.Errorf("API token: HTTP %d %s", r.StatusCode, b)
	}
	return tr.Token, nil
}

// loadRun adds up the rounds of one side.
type loadRun struct {
	lat   []time.Duration
	took  time.Duration
	nonOK int
}

func (l *loadRun) post(ctx context.Context, client *http.Client, base, token string, ins []intake.Complaint, n int) error {
	f, lat, took, err := postComplaintsLat(ctx, client, base, token, ins, n)
	l.lat, l.took, l.nonOK = append(l.lat, lat...), l.took+took, l.nonOK+f.NonOK
	return err
}

func (l *loadRun) figure() LoadFigure {
	slices.Sort(l.lat)
	f := LoadFigure{Requests: len(l.lat), NonOK: l.nonOK}
	if l.took > 0 {
		f.PerSec = float64(len(l.lat)) / l.took.Seconds()
	}
	if len(l.lat) > 0 {
		f.P50 = l.lat[(len(l.lat)-1)*50/100]
		f.P99 = l.lat[(len(l.lat)-1)*99/100]
	}
	return f
}

// postComplaints files ins through the API from n clients, each taking the
// next complaint until all are filed, and times every request.
func postComplaints(ctx context.Context, client *http.Client, base, token string, ins []intake.Complaint, n int) (LoadFigure, error) {
	f, _, _, err := postComplaintsLat(ctx, client, base, token, ins, n)
	return f, err
}

func postComplaintsLat(ctx context.Context, client *http.Client, base, token string, ins []intake.Complaint, n int) (LoadFigure, []time.Duration, time.Duration, error) {
	bodies := make([][]byte, len(ins))
	for i, in := range ins {
		bodies[i], _ = json.Marshal(in)
	}
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	nonOK := 0
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			bad := 0
			var buf bytes.Buffer
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/complaints", bytes.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				r, err := client.Do(req)
				if err != nil {
					bad++
					lat = append(lat, time.Since(t0))
					continue
				}
				buf.Reset()
				buf.ReadFrom(r.Body)
				r.Body.Close()
				lat = append(lat, time.Since(t0))
				if r.StatusCode != http.StatusCreated {
					bad++
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("POST /api/v1/complaints: HTTP %d %s", r.StatusCode, buf.String())
					}
					mu.Unlock()
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
	l := LoadFigure{Requests: len(all), NonOK: nonOK, PerSec: float64(len(all)) / took.Seconds()}
	if nonOK > 0 && firstErr != nil {
		return l, all, took, fmt.Errorf("%d of %d complaints not filed; first: %w", nonOK, len(all), firstErr)
	}
	return l, all, took, nil
}

// rawConcurrent is rawCeiling from c clients at once: n single-row INSERT
// transactions in all.
func rawConcurrent(ctx context.Context, db *sqlstore.DB, n, c int) (float64, error) {
	w := db.Writer()
	idcol := "id INTEGER PRIMARY KEY"
	if db.Dialect() == "postgres" {
		idcol = "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	if _, err := w.ExecContext(ctx, "CREATE TABLE bench_raw16 ("+idcol+", a01 TEXT, a02 TEXT, a03 TEXT, a04 TEXT, a05 TEXT, a06 TEXT, a07 TEXT, a08 TEXT, a09 TEXT, a10 TEXT, "+
		"b01 BIGINT, b02 BIGINT, b03 BIGINT, b04 BIGINT, b05 BIGINT, b06 BIGINT, b07 BIGINT, b08 BIGINT, t01 TIMESTAMP, t02 TIMESTAMP, t03 TIMESTAMP)"); err != nil {
		return 0, fmt.Errorf("create raw table: %w", err)
	}
	defer w.ExecContext(context.Background(), "DROP TABLE bench_raw16")
	desc := "消费者在该店购买商品后发现质量问题，要求退货退款被拒绝，多次协商未果。"
	now := time.Now().UTC()
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				_, err := w.ExecContext(ctx, `INSERT INTO bench_raw16 (a01, a02, a03, a04, a05, a06, a07, a08, a09, a10,
					b01, b02, b03, b04, b05, b06, b07, b08, t01, t02, t03)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
					fmt.Sprintf("（2026）浦消调字第%05d号", i), "received", "walk_in", "服务-健身", desc, "退货退款", "王小明",
					"上海某某商贸有限公司", "/1/2/3/", "", i, 2026, i, 1, 1, 0, 100, 1, now, now, now)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, fmt.Errorf("raw insert: %w", err)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
