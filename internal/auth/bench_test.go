package auth_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// procKB reads a field of /proc/self/status in KiB (0 where there is none).
func procKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkLoginBurst sends 200 sign-ins at once, all with unknown
// usernames from different addresses (each costs a full argon2id check,
// 64 MiB, and no lock stops them) and reports the process's peak RSS: the
// hashing pool keeps it at a few slots' worth, however large the burst.
// Run alone: go test -run '^$' -bench LoginBurst -benchtime 1x ./internal/auth/
func BenchmarkLoginBurst(b *testing.B) {
	db := storetest.Engines(b)[0].Open(b, true)
	svc := &auth.Service{Store: db, GlobalPerSecond: 100000}
	runtime.GC()
	before := procKB("VmHWM")
	var busy, refused atomic.Int64
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.SignIn(from(fmt.Sprintf("10.%d.%d.1", i/200, i%200)), fmt.Sprintf("nobody%d", i), "guess")
				switch {
				case errors.Is(err, auth.ErrBusy):
					busy.Add(1)
				case errors.Is(err, auth.ErrBadCredentials):
					refused.Add(1)
				default:
					b.Errorf("unexpected: %v", err)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64(procKB("VmHWM"))/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(before)/1024, "RSS-before-MiB")
	b.ReportMetric(float64(busy.Load())/float64(b.N), "busy/op")
	b.ReportMetric(float64(refused.Load())/float64(b.N), "checked/op")
	b.ReportMetric(float64(auth.HashSlots()), "slots")
}
