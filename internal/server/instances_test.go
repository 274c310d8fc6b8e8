package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
	"github.com/tiaojie/tiaojie/internal/web"
)

// Two instances on one PostgreSQL database — each with its own store
// handle, services (job queue, live-conversation relay) and HTTP server,
// as two `tiaojie serve` processes behind a load balancer — serve the same
// users, number cases without duplicates, run a periodic sweep once per
// tick, and carry a conversation whose parties are on different instances.
func TestTwoInstances(t *testing.T) {
	var eng storetest.Engine
	for _, e := range storetest.Engines(t) {
		if e.Name == "postgres" {
			eng = e
		}
	}
	if eng.Open == nil {
		t.Skip("several instances share a PostgreSQL database: set " + storetest.EnvPostgres)
	}
	dbs := eng.FromTemplateN(t, "demo", buildDemo, 2)
	var mu sync.Mutex
	var runs []time.Time
	probe := func(svc *platform.Services) {
		svc.Jobs.Periodic("instances-probe", 300*time.Millisecond, func(context.Context) error {
			mu.Lock()
			runs = append(runs, time.Now())
			mu.Unlock()
			return nil
		})
	}
	a, b := startEnv(t, dbs[0], nil, probe), startEnv(t, dbs[1], nil, probe)

	// Sessions: signed in on A, recognised on B (web session and API token).
	m := a.login("mediator01")
	onB := &client{env: b, http: m.http, token: m.token}
	if r := b.anon().get("/home"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("B lets a stranger in: %d", r.StatusCode)
	}
	if r := onB.get("/home"); r.StatusCode != http.StatusOK {
		t.Fatalf("a session made on A is not recognised on B: %d", r.StatusCode)
	}
	var me struct{ Username string }
	if r := onB.json("GET", "/api/v1/me", nil, nil); r.StatusCode != 200 || json.Unmarshal([]byte(r.body), &me) != nil || me.Username != "mediator01" {
		t.Fatalf("an API token issued on A is not accepted on B: %d %s", r.StatusCode, r.body)
	}

	// Intake: 100 complaints at once, half through each instance.
	const total = 100
	type made struct {
		number string
		err    error
	}
	out := make(chan made, total)
	var wg sync.WaitGroup
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < total; i += 10 {
				base := a.ts.URL
				if i%2 == 1 {
					base = b.ts.URL
				}
				c := validComplaint(fmt.Sprintf("MULTI-%03d", i))
				c["phone"] = fmt.Sprintf("139%08d", 10_000_000+i)
				n, err := createComplaint(base, m.token, c)
				out <- made{n, err}
			}
		}()
	}
	wg.Wait()
	close(out)
	seqs := map[string][]int{} // by number prefix: committee and year
	seen := map[string]bool{}
	numRe := regexp.MustCompile(`^(.*第)(\d+)号$`)
	for x := range out {
		if x.err != nil {
			t.Fatal(x.err)
		}
		if seen[x.number] {
			t.Fatalf("case number %s issued twice", x.number)
		}
		seen[x.number] = true
		p := numRe.FindStringSubmatch(x.number)
		if p == nil {
			t.Fatalf("case number %q", x.number)
		}
		var n int
		fmt.Sscan(strings.TrimLeft(p[2], "0"), &n)
		seqs[p[1]] = append(seqs[p[1]], n)
	}
	if len(seen) != total {
		t.Fatalf("%d distinct numbers for %d complaints", len(seen), total)
	}
	for prefix, ns := range seqs {
		lo, hi := ns[0], ns[0]
		for _, n := range ns {
			lo, hi = min(lo, n), max(hi, n)
		}
		if hi-lo+1 != len(ns) {
			t.Errorf("%s…: %d numbers between %d and %d: a gap", prefix, len(ns), lo, hi)
		}
	}

	// Periodic: the probe sweep is registered on both instances; the
	// leader alone schedules it. River starts the scheduler a few seconds in.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n >= 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the periodic sweep ran %d times in 30 s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	span := runs[7].Sub(runs[0])
	mu.Unlock()
	if span < 7*250*time.Millisecond {
		t.Fatalf("8 runs of a 300 ms sweep within %v across two instances: scheduled by both", span)
	}
	// The real sweeps run on the leader's start, once: a second scheduler
	// would have inserted its own.
	var sessionSweeps int
	if err := dbs[0].Writer().QueryRowContext(context.Background(),
		`SELECT count(*) FROM river_job WHERE kind = 'sweep' AND args->>'name' = 'sessions'`).Scan(&sessionSweeps); err != nil {
		t.Fatal(err)
	}
	if sessionSweeps != 1 {
		t.Fatalf("the session sweep was scheduled %d times at start, want once", sessionSweeps)
	}

	// A live conversation: the consumer's stream on A, the merchant's on B.
	med, id, links := onlineCase(t, a)
	consumer := openStream(t, a.ts.URL+links["consumer"]+"/events")
	merchant := openStream(t, b.ts.URL+links["merchant"]+"/events")
	consumer.await(t, "已开启在线调解", 10*time.Second, "")
	merchant.await(t, "已开启在线调解", 10*time.Second, "")
	// Delivered well within a stream's timed look (web.StreamPoll): only
	// the relay between the instances can have carried it.
	live := web.StreamPoll / 5
	if r := post(a.anon(), links["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"请商家尽快退还余额"}}); r.StatusCode != 200 {
		t.Fatalf("consumer posts on A: %d %s", r.StatusCode, r.body)
	}
	merchant.await(t, "请商家尽快退还余额", live, "")
	if r := post(b.anon(), links["merchant"]+"/messages", url.Values{"channel": {"joint"}, "body": {"我们同意先退一半"}}); r.StatusCode != 200 {
		t.Fatalf("merchant posts on B: %d %s", r.StatusCode, r.body)
	}
	consumer.await(t, "我们同意先退一半", live, "")
	// The merchant's stream on B reads as the merchant: the consumer's caucus never reaches it.
	post(med, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"consumer"}, "body": {"单独和消费者说"}})
	post(med, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"joint"}, "body": {"双方请看调解方案"}})
	merchant.await(t, "双方请看调解方案", live, "单独和消费者说")
	consumer.await(t, "双方请看调解方案", live, "")

	// Signing out on B ends the session on A too.
	if r := onB.form("POST", "/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", r.StatusCode)
	}
	if r := m.get("/home"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed out on B, still signed in on A: %d", r.StatusCode)
	}
}

// createComplaint registers a complaint through the API of one instance.
func createComplaint(base, token string, body map[string]any) (string, error) {
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", base+"/api/v1/complaints", bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var c caseOut
	if res.StatusCode != http.StatusCreated || json.Unmarshal(raw, &c) != nil || c.Number == "" {
		return "", fmt.Errorf("complaint on %s: %d %s", base, res.StatusCode, raw)
	}
	return c.Number, nil
}

// stream is an open live conversation, its messages' bodies in order.
type stream struct{ bodies chan string }

func openStream(t *testing.T, u string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("stream %s: %d", u, res.StatusCode)
	}
	s := &stream{bodies: make(chan string, 64)}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var it struct{ Body string }
				json.Unmarshal([]byte(data), &it)
				s.bodies <- it.Body
			}
		}
	}()
	return s
}

// await reads the stream until a message containing want arrives within d,
// failing if one containing never (when set) comes first.
func (s *stream) await(t *testing.T, want string, d time.Duration, never string) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case body := <-s.bodies:
			if never != "" && strings.Contains(body, never) {
				t.Fatalf("the stream carried %q, which its reader may not see", body)
			}
			if strings.Contains(body, want) {
				return
			}
		case <-timeout:
			t.Fatalf("%q did not arrive within %v", want, d)
		}
	}
}
