package intake_test

import (
	"testing"

	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
)

// A search text that is a phone or identity number is hashed exactly as
// intake hashed it when the complaint was registered.
func TestPartyHashOfSearchText(t *testing.T) {
	sealer, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := &intake.Service{Sealer: sealer}
	phone := sealer.Hash("13812345678")
	for _, q := range []string{"13812345678", "138 1234 5678", "138-1234-5678", "１３８１２３４５６７８", "+86 138 1234 5678"} {
		if got := s.PartyHash(q); got != phone {
			t.Errorf("%q: hash %q, want the phone's", q, got)
		}
	}
	id := "11010519491231002X"
	if got := s.PartyHash("11010519491231002x"); got != sealer.Hash(id) {
		t.Errorf("identity number: %q", got)
	}
	for _, q := range []string{"健身", "1381234567", "（2026）浦消调字第00003号", "23812345678", ""} {
		if got := s.PartyHash(q); got != "" {
			t.Errorf("%q is no phone or identity number, hashed to %q", q, got)
		}
	}
}
