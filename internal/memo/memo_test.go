package memo

import (
	"sync"
	"testing"
)

// The memo holds at most two generations, drops the oldest results first,
// and keeps a result asked for all along.
func TestBoundedKeepsWhatIsRead(t *testing.T) {
	m := Memo[int, string]{Size: 100}
	m.Put(-1, "hot")
	for i := range 300 {
		m.Put(i, "x")
		if i%50 == 0 {
			if v, ok := m.Get(-1); !ok || v != "hot" {
				t.Fatalf("the result read all along was dropped after %d others", i)
			}
		}
		if n := m.Len(); n > 200 {
			t.Fatalf("%d results held, bound 200", n)
		}
	}
	if _, ok := m.Get(0); ok {
		t.Fatal("the oldest result was kept")
	}
	if v, ok := m.Get(299); !ok || v != "x" {
		t.Fatal("the newest result was dropped")
	}
	if _, ok := m.Get(1000); ok {
		t.Fatal("a key never put answered")
	}
}

// The zero Memo works, with the default size.
func TestZeroValue(t *testing.T) {
	var m Memo[string, int]
	for i := range 5000 {
		m.Put(string(rune(i+0x4e00)), i)
	}
	if n := m.Len(); n != 5000 {
		t.Fatalf("%d held, want all 5,000 (one full generation of 4,096 and the next)", n)
	}
}

// Readers and writers at once (run under -race in CI).
func TestConcurrent(t *testing.T) {
	m := Memo[int, int]{Size: 64}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := (g*7 + i) % 300
				if v, ok := m.Get(k); ok && v != k*2 {
					t.Errorf("key %d answered %d", k, v)
					return
				}
				m.Put(k, k*2)
			}
		})
	}
	wg.Wait()
	if n := m.Len(); n > 128 {
		t.Fatalf("%d held, bound 128", n)
	}
}
