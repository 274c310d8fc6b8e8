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

const prefix = "v1:"

// Sealer seals and opens personal data.
type Sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

// NewSealer derives an encryption key and a hashing key from a 32-byte master key.
func NewSealer(master []byte) (*Sealer, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("pii master key must be 32 bytes, got %d", len(master))
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "tiaojie pii seal v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive seal key: %w", err)
	}
	hashKey, err := hkdf.Key(sha256.New, master, nil, "tiaojie pii hash v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive hash key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, hashKey: hashKey}, nil
}

// Seal encrypts plain; "" stays "".
func (s *Sealer) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, []byte(plain), nil)
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal.
func (s *Sealer) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if err != nil || !strings.HasPrefix(sealed, prefix) || len(raw) < s.aead.NonceSize() {
		return "", errors.New("open sealed value: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open sealed value: %w", err)
	}
	return string(plain), nil
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
