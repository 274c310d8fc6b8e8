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
