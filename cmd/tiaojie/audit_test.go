package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestAuditVerify: `tiaojie audit verify` passes on a database the demo
// wrote, and after one byte of one entry is changed it names that entry.
func TestAuditVerify(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			env, open := cliDatabase(t, eng)
			if err := run(ctx, []string{"demo", "--cases", "20"}, &bytes.Buffer{}, envFrom(env)); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := run(ctx, []string{"audit", "verify"}, &out, envFrom(env)); err != nil {
				t.Fatalf("verify on an untouched database: %v\n%s", err, out.String())
			}
			m := regexp.MustCompile(`审计日志完好：(\d+) 条`).FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("output: %s", out.String())
			}
			n, _ := strconv.Atoi(m[1])
			if n < 10 {
				t.Fatalf("only %d entries after building a demo", n)
			}
			// Change one byte of entry n/2, as someone with the database owner's rights could.
			db := open()
			guard := `DROP TRIGGER audit_log_no_update`
			if eng.Name == "postgres" {
				guard = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`
			}
			target := n / 2
			for _, q := range []string{guard, `UPDATE audit_log SET action = action || 'x' WHERE seq = ` + strconv.Itoa(target)} {
				if _, err := db.Writer().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			db.Close()
			out.Reset()
			err := run(ctx, []string{"audit", "verify"}, &out, envFrom(env))
			if err == nil || !strings.Contains(out.String(), "第 "+strconv.Itoa(target)+" 条") {
				t.Fatalf("tampered entry %d not named: %v\n%s", target, err, out.String())
			}
		})
	}
}
