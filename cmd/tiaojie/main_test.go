package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is an io.Writer safe to read while serve writes to it.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestServeDemo is README's first command: a fresh data dir, --demo, the URL
// and the accounts printed, health endpoints up, clean stop on SIGTERM.
func TestServeDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--cases", "25", "--addr", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"}, out,
			envFrom(map[string]string{"TIAOJIE_DATA_DIR": dir, "TIAOJIE_LOG_LEVEL": "error"}))
	}()
	urlRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(50 * time.Millisecond) {
		base = urlRe.FindString(out.String())
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, out.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("no URL printed:\n%s", out.String())
	}
	for _, want := range []string{"mediator01", "committee01", "admin", "regulator01", "justice01", "court01", "expert01", "analyst01", "auditor01", "Tiaojie@2026", "25 件"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("start-up output lacks %q", want)
		}
	}
	for _, p := range []string{"healthz", "readyz"} {
		res, err := http.Get(base + p)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, err, res)
		}
	}
	// The printed signing and rating links of both districts open their pages.
	links := regexp.MustCompile(`/(sign|rate)/[A-Za-z0-9_-]{20,64}`).FindAllString(out.String(), -1)
	kinds := map[string]int{}
	for _, l := range links {
		kinds[strings.Split(l, "/")[1]]++
		res, err := http.Get(strings.TrimSuffix(base, "/") + l)
		if err != nil || res.StatusCode != 200 {
			t.Errorf("printed link %s: %v %v", l, err, res)
		}
	}
	if kinds["sign"] < 6 || kinds["rate"] != 2 || !strings.Contains(out.String(), "徐汇区：调解协议签署页面") {
		t.Errorf("printed links %v:\n%s", kinds, out.String())
	}
	// /metrics is not on the application's address, but on its own.
	if res, err := http.Get(base + "metrics"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("public /metrics: %v %v", err, res)
	}
	m := regexp.MustCompile(`监控指标：(http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("metrics address not printed:\n%s", out.String())
	}
	res, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	for _, want := range []string{"tiaojie_cases{status=", "tiaojie_http_request_duration_seconds", "go_sql_open_connections"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tiaojie.db")); err != nil {
		t.Fatal("no SQLite file in the data dir")
	}
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil {
		t.Fatal("no key file in the data dir")
	}
	cancel() // what SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no graceful stop")
	}

	// A second start finds the data and does not seed again.
	out2 := &syncBuf{}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel2()
	run(ctx2, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, out2, envFrom(map[string]string{"TIAOJIE_DATA_DIR": dir, "TIAOJIE_LOG_LEVEL": "error"}))
	if !strings.Contains(out2.String(), "跳过演示数据生成") {
		t.Fatalf("restart re-seeded or said nothing:\n%s", out2.String())
	}
}

func TestBadConfigIsClear(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--addr", "nonsense"}, io.Discard, envFrom(map[string]string{"TIAOJIE_DATABASE_URL": "mysql://x"}))
	if err == nil || !strings.Contains(err.Error(), "--addr") || !strings.Contains(err.Error(), "TIAOJIE_DATABASE_URL") {
		t.Fatalf("bad config: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, envFrom(nil)); err == nil {
		t.Fatal("unknown subcommand accepted")
	}
	var b bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &b, envFrom(nil)); err != nil || !strings.Contains(b.String(), "tiaojie") {
		t.Fatal("version")
	}
}

func TestMigrateAndDemoCommands(t *testing.T) {
	dir := t.TempDir()
	env := envFrom(map[string]string{"TIAOJIE_DATA_DIR": dir})
	var b bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, &b, env); err != nil || !strings.Contains(b.String(), "migration version") {
		t.Fatalf("migrate: %v %s", err, b.String())
	}
	b.Reset()
	if err := run(context.Background(), []string{"demo", "--cases", "10"}, &b, env); err != nil || !strings.Contains(b.String(), "mediator01") {
		t.Fatalf("demo: %v %s", err, b.String())
	}
	b.Reset()
	if err := run(context.Background(), []string{"demo", "--cases", "5"}, &b, env); err != nil || !strings.Contains(b.String(), "追加 5 件") {
		t.Fatalf("demo again: %v %s", err, b.String())
	}
}

// An instance given another personal-data key than the one the database's
// phones were sealed with refuses to start, rather than sealing new data
// the other instances cannot read.
func TestForeignKeyRefused(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TIAOJIE_DATA_DIR": dir, "TIAOJIE_LOG_LEVEL": "error"}
	if err := run(context.Background(), []string{"demo", "--cases", "5"}, io.Discard, envFrom(env)); err != nil {
		t.Fatal(err)
	}
	env["TIAOJIE_SECRET_KEY"] = strings.Repeat("ab", 32)
	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"demo", "--cases", "1"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := run(ctx, args, io.Discard, envFrom(env))
		cancel()
		if err == nil || !strings.Contains(err.Error(), "TIAOJIE_SECRET_KEY") {
			t.Fatalf("%s with a foreign key: %v", args[0], err)
		}
	}
	// The key the data was written with still opens it.
	key, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	env["TIAOJIE_SECRET_KEY"] = strings.TrimSpace(string(key))
	if err := run(context.Background(), []string{"demo", "--cases", "1"}, io.Discard, envFrom(env)); err != nil {
		t.Fatalf("the right key, given as a setting, refused: %v", err)
	}
}
