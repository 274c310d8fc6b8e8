// Package pii protects personal data at rest: phone and ID numbers are sealed
// with AES-256-GCM, and a keyed hash (HMAC-SHA-256) lets us find equal values
// without decrypting. The key lives outside the database.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealed values carry the id of the key that sealed them:
// "v2:<key id>:<base64 nonce|ciphertext>". Values written before key ids
// ("v1:<base64>") are opened by trying every key of the ring.
const (
	prefixV1 = "v1:"
	prefixV2 = "v2:"
)

// Sealer seals and opens personal data. It holds a key ring: the current
// key seals; the current and the previous keys open. The lookup hash has a
// key of its own (by default derived from the current key), which rotation
// leaves alone so that stored hashes keep matching.
type Sealer struct {
	cur     *ringKey
	keys    []*ringKey // cur first
	hashKey []byte
}

type ringKey struct {
	id   string
	aead cipher.AEAD
}

// NewSealer derives an encryption key and a hashing key from a 32-byte master key.
func NewSealer(master []byte) (*Sealer, error) {
	return NewRing(master, nil, nil)
}

// NewRing is a sealer over a key ring: current seals, current and previous
// open; lookup (nil: current) keys the hash that finds equal values.
func NewRing(current []byte, previous [][]byte, lookup []byte) (*Sealer, error) {
	cur, err := newRingKey(current)
	if err != nil {
		return nil, err
	}
	s := &Sealer{cur: cur, keys: []*ringKey{cur}}
	for _, p := range previous {
		k, err := newRingKey(p)
		if err != nil {
			return nil, err
		}
		if !s.has(k.id) {
			s.keys = append(s.keys, k)
		}
	}
	if lookup == nil {
		lookup = current
	}
	if len(lookup) != 32 {
		return nil, fmt.Errorf("pii lookup key must be 32 bytes, got %d", len(lookup))
	}
	if s.hashKey, err = hkdf.Key(sha256.New, lookup, nil, "tiaojie pii hash v1", 32); err != nil {
		return nil, fmt.Errorf("derive hash key: %w", err)
	}
	return s, nil
}

func (s *Sealer) has(id string) bool {
	for _, k := range s.keys {
		if k.id == id {
			return true
		}
	}
	return false
}

func newRingKey(master []byte) (*ringKey, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("pii master key must be 32 bytes, got %d", len(master))
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "tiaojie pii seal v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive seal key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &ringKey{id: KeyID(master), aead: aead}, nil
}

// KeyID names a master key without revealing it: 8 hex characters of a
// digest derived from it. Sealed values carry it.
func KeyID(master []byte) string {
	id, err := hkdf.Key(sha256.New, master, nil, "tiaojie pii key id", 4)
	if err != nil {
		panic(err) // only for lengths hkdf refuses; 4 bytes is fine
	}
	return hex.EncodeToString(id)
}

// CurrentKeyID is the id of the key that seals.
func (s *Sealer) CurrentKeyID() string { return s.cur.id }

// KeyIDs are the ids of every key on the ring, the current one first.
func (s *Sealer) KeyIDs() []string {
	ids := make([]string, len(s.keys))
	for i, k := range s.keys {
		ids[i] = k.id
	}
	return ids
}

// SealedKeyID is the key id a sealed value names; "v1" for a value from
// before key ids, "" for an empty value.
func SealedKeyID(sealed string) string {
	switch {
	case sealed == "":
		return ""
	case strings.HasPrefix(sealed, prefixV2):
		id, _, ok := strings.Cut(sealed[len(prefixV2):], ":")
		if ok {
			return id
		}
	case strings.HasPrefix(sealed, prefixV1):
		return "v1"
	}
	return "?"
}

// Seal encrypts plain with the current key; "" stays "".
func (s *Sealer) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, s.cur.aead.NonceSize())
	rand.Read(nonce)
	out := s.cur.aead.Seal(nonce, nonce, []byte(plain), nil)
	return prefixV2 + s.cur.id + ":" + base64.RawStdEncoding.EncodeToString(out)
}

// ErrUnknownKey: the value was sealed with a key that is not on the ring.
var ErrUnknownKey = errors.New("open sealed value: sealed with a key that is not configured")

// Open decrypts a value made by Seal with whichever key of the ring sealed it.
func (s *Sealer) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if rest, ok := strings.CutPrefix(sealed, prefixV2); ok {
		id, body, ok := strings.Cut(rest, ":")
		if !ok {
			return "", errors.New("open sealed value: malformed")
		}
		for _, k := range s.keys {
			if k.id == id {
				return k.open(body)
			}
		}
		return "", ErrUnknownKey
	}
	body, ok := strings.CutPrefix(sealed, prefixV1)
	if !ok {
		return "", errors.New("open sealed value: malformed")
	}
	var err error
	for _, k := range s.keys {
		var plain string
		if plain, err = k.open(body); err == nil {
			return plain, nil
		}
	}
	return "", err
}

func (k *ringKey) open(body string) (string, error) {
	raw, err := base64.RawStdEncoding.DecodeString(body)
	n := k.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", errors.New("open sealed value: malformed")
	}
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open sealed value: %w", err)
	}
	return string(plain), nil
}

// Reseal re-seals a value with the current key; changed is false when it
// already was (or is empty), and the value is returned as it is.
func (s *Sealer) Reseal(sealed string) (out string, changed bool, err error) {
	if sealed == "" || SealedKeyID(sealed) == s.cur.id {
		return sealed, false, nil
	}
	plain, err := s.Open(sealed)
	if err != nil {
		return "", false, err
	}
	return s.Seal(plain), true, nil
}

// Hash is a keyed, deterministic digest of an already-normalised value.
func (s *Sealer) Hash(normalized string) string {
	if normalized == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(normalized))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// ParseKey reads a master key given as 64 hex characters.
func ParseKey(s string) ([]byte, error) {
	k, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != 32 {
		return nil, errors.New("the key must be 64 hexadecimal characters (32 bytes)")
	}
	return k, nil
}

// LoadOrCreateKeyFile reads the key file at path, creating it with a random
// key (mode 0600) when it does not exist — the embedded default's set-up.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return k, nil
}
