package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The binary is built once per test run for the tests that kill it.
var binary struct {
	once sync.Once
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "tiaojie-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "tiaojie")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = &buildError{out: string(out), err: err}
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// instance is a `tiaojie serve` process.
type instance struct {
	cmd  *exec.Cmd
	base string
	out  *syncBuf
	done chan struct{}
}

// startInstance runs serve with env and args and waits for its URL.
func startInstance(t *testing.T, bin string, env []string, args ...string) *instance {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	in := &instance{cmd: cmd, out: &syncBuf{}, done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			in.out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); pw.Close(); close(in.done) }()
	t.Cleanup(func() { in.kill() })
	urlRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	for deadline := time.Now().Add(120 * time.Second); in.base == ""; time.Sleep(50 * time.Millisecond) {
		in.base = urlRe.FindString(in.out.String())
		select {
		case <-in.done:
			t.Fatalf("serve stopped early:\n%s", in.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed:\n%s", in.out.String())
		}
	}
	return in
}

// kill is kill -9: no shutdown, no draining.
func (in *instance) kill() {
	if in.cmd.Process != nil {
		in.cmd.Process.Kill()
		<-in.done
	}
}

// login signs a demo user in with a cookie jar.
func login(t *testing.T, base, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"login", url.Values{"username": {user}, "password": {config.DefaultDemoPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %v %v", user, err, res)
	}
	res.Body.Close()
	return c
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b)
}

// engineEnv is where an instance keeps its data on each engine, and a
// handle the test reads it with.
func engineEnv(t *testing.T, e storetest.Engine) ([]string, func() *sqlstore.DB) {
	dir := filepath.Join(t.TempDir(), "data")
	env := []string{"TIAOJIE_DATA_DIR=" + dir, "TIAOJIE_LOG_LEVEL=error"}
	if e.Name == "sqlite" {
		return env, func() *sqlstore.DB {
			db, err := sqlite.OpenNoMigrate(context.Background(), filepath.Join(dir, "tiaojie.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
	}
	u := storetest.SchemaURL(t)
	// A shared database needs an explicit key (every instance the same).
	return append(env, "TIAOJIE_DATABASE_URL="+u, "TIAOJIE_SECRET_KEY="+testKey), func() *sqlstore.DB {
		db, err := postgres.OpenNoMigrate(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// committeeID reads the first committee's id off the sync page.
func committeeID(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	m := regexp.MustCompile(`name="committee" value="(\d+)"`).FindStringSubmatch(get(t, c, base+"sync"))
	if m == nil {
		t.Fatal("no committee on the sync page")
	}
	return m[1]
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b := ""
		if res != nil {
			body, _ := io.ReadAll(res.Body)
			b = string(body)
		}
		t.Fatalf("POST %s: %v %v %s", u, err, res, b)
	}
	res.Body.Close()
}

// countRows runs a COUNT on the instance's database.
func countRows(t *testing.T, db *sqlstore.DB, q string) int {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.path != "" {
		os.RemoveAll(filepath.Dir(binary.path))
	}
	os.Exit(code)
}

var _ = strings.Contains

// testKey is the personal-data key the tests on PostgreSQL give.
var testKey = strings.Repeat("5a", 32)
