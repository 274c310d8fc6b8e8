package sqlstore

import (
	"fmt"
	"testing"
	"time"
)

// A dense verdict lasts denseTermFor, and the memory never holds more than
// maxDenseTerms terms.
func TestDenseTermsExpireAndStayBounded(t *testing.T) {
	var d denseTerms
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	if d.known("健身", t0) {
		t.Fatal("an unseen term is known")
	}
	d.remember("健身", t0)
	if !d.known("健身", t0.Add(denseTermFor-time.Second)) {
		t.Error("a verdict was forgotten before it expired")
	}
	if d.known("健身", t0.Add(denseTermFor)) {
		t.Error("a verdict outlived denseTermFor")
	}
	if d.known("健身", t0) {
		t.Error("an expired verdict came back")
	}
	for i := range maxDenseTerms + 10 {
		d.remember(fmt.Sprint(i), t0)
		if len(d.at) > maxDenseTerms {
			t.Fatalf("%d terms held, bound %d", len(d.at), maxDenseTerms)
		}
	}
	var none *denseTerms
	none.remember("健身", t0)
	if none.known("健身", t0) {
		t.Error("a store without the memory knows a term")
	}
}
