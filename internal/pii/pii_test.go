package pii

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenHash(t *testing.T) {
	s, err := NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Seal("13812345678"), s.Seal("13812345678")
	if a == b {
		t.Fatal("sealing must be randomised")
	}
	if strings.Contains(a, "13812345678") {
		t.Fatal("plaintext visible in sealed value")
	}
	for _, v := range []string{a, b} {
		if got, err := s.Open(v); err != nil || got != "13812345678" {
			t.Fatalf("open: %q %v", got, err)
		}
	}
	if s.Hash("13812345678") != s.Hash("13812345678") || s.Hash("13812345678") == s.Hash("13812345679") {
		t.Fatal("hash must be deterministic and distinguish values")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(a); err == nil {
		t.Fatal("another key opened the value")
	}
	if other.Hash("x") == s.Hash("x") {
		t.Fatal("hash must depend on the key")
	}
	tampered := a[:len(a)-2] + "AA"
	if _, err := s.Open(tampered); err == nil {
		t.Fatal("tampered value opened")
	}
	if _, err := s.Open("garbage"); err == nil {
		t.Fatal("garbage opened")
	}
	if s.Seal("") != "" || s.Hash("") != "" {
		t.Fatal("empty stays empty")
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, err := LoadOrCreateKeyFile(p)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(p)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("key file not reused")
	}
	if _, err := ParseKey("zz"); err == nil {
		t.Fatal("bad key accepted")
	}
}

// TestKeyRing: values name the key that sealed them; a ring of the new key
// and the old one opens both, Reseal moves a value to the new key, after
// which the old key alone no longer opens it. Values from before key ids
// ("v1:") open with whichever key of the ring sealed them.
func TestKeyRing(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	old, _ := NewSealer(oldKey)
	v := old.Seal("13812345678")
	if SealedKeyID(v) != KeyID(oldKey) || KeyID(oldKey) == KeyID(newKey) {
		t.Fatalf("sealed value %q does not name its key %s", v, KeyID(oldKey))
	}
	ring, err := NewRing(newKey, [][]byte{oldKey}, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ring.Open(v); err != nil || got != "13812345678" {
		t.Fatalf("ring opens the old key's value: %q %v", got, err)
	}
	if ring.Hash("13812345678") != old.Hash("13812345678") {
		t.Fatal("the lookup hash changed with the sealing key")
	}
	nv, changed, err := ring.Reseal(v)
	if err != nil || !changed || SealedKeyID(nv) != KeyID(newKey) {
		t.Fatalf("reseal: %q %v %v", nv, changed, err)
	}
	if again, changed, _ := ring.Reseal(nv); changed || again != nv {
		t.Fatal("resealing a value already under the current key changed it")
	}
	newOnly, _ := NewSealer(newKey)
	if got, err := newOnly.Open(nv); err != nil || got != "13812345678" {
		t.Fatalf("new key opens the resealed value: %q %v", got, err)
	}
	if _, err := old.Open(nv); err == nil {
		t.Fatal("the old key alone opens a value resealed with the new one")
	}
	legacy := "v1:" + v[strings.LastIndex(v, ":")+1:]
	if SealedKeyID(legacy) != "v1" {
		t.Fatal("legacy value not recognised")
	}
	if got, err := ring.Open(legacy); err != nil || got != "13812345678" {
		t.Fatalf("ring opens a legacy value sealed by its previous key: %q %v", got, err)
	}
	if _, err := newOnly.Open(legacy); err == nil {
		t.Fatal("a key that did not seal a legacy value opens it")
	}
}
