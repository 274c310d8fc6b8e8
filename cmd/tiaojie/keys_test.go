package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecretKeyRequired: on PostgreSQL, or with --secure-cookies, the binary
// refuses to start without an explicit key — a clear message and exit
// status 1, nothing generated — while the SQLite demo still makes its own
// key and says so.
func TestSecretKeyRequired(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"postgres", []string{"serve", "--database-url", "postgres://127.0.0.1:1/none", "--addr", "127.0.0.1:0"}},
		{"secure cookies", []string{"serve", "--secure-cookies", "--addr", "127.0.0.1:0"}},
		{"demo on postgres", []string{"demo", "--database-url", "postgres://127.0.0.1:1/none"}},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = []string{"TIAOJIE_DATA_DIR=" + dir, "TIAOJIE_LOG_LEVEL=error"}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 {
			t.Fatalf("%s: started without a key: %v", c.name, err)
		}
		if !strings.Contains(stderr.String(), "--secret-key") || !strings.Contains(stderr.String(), "TIAOJIE_SECRET_KEY") {
			t.Fatalf("%s: message does not say what to set: %s", c.name, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "secret.key")); err == nil {
			t.Fatalf("%s: a key file was generated", c.name)
		}
	}
	// The SQLite demo generates one and prints that it did.
	out := &syncBuf{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, []string{"demo", "--cases", "2"}, out, envFrom(map[string]string{"TIAOJIE_DATA_DIR": dir})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "已生成个人信息密钥 "+filepath.Join(dir, "secret.key")) {
		t.Fatalf("demo did not say it generated the key:\n%s", out.String())
	}
}
