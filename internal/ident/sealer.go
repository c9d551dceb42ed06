package ident

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// KeySize is the size in bytes of a master key.
const KeySize = 32

// HKDF info strings; they separate the two subkeys and must never change,
// or existing ciphertexts and indexes become unreadable.
const (
	infoSeal  = "easyjob/ident seal aes-256-gcm v1"
	infoIndex = "easyjob/ident blind-index hmac-sha256 v1"
)

// Errors from Open.
var (
	ErrUnknownKeyVersion = errors.New("ident: sealed value uses an unknown key version")
	ErrOpen              = errors.New("ident: sealed value is corrupt, was tampered with, or has other associated data")
)

// Sealer encrypts personal identifiers at rest and computes blind indexes
// for exact-match lookups. It is safe for concurrent use.
//
// A sealed value is
//
//	version (1 byte) ‖ nonce (12 random bytes) ‖ AES-256-GCM ciphertext and tag
//
// where the version names the master key it was sealed with, and the
// version byte is authenticated together with the caller's associated data.
// Bind the associated data to where the value lives (for example
// "seeker/42/id_number") so that a ciphertext copied to another row or
// column does not open.
//
// Rotating keys: build the Sealer with [NewSealerVersions], naming the new
// key current and keeping the old ones; Open reads every version, Seal
// writes the current one, and [Sealer.KeyVersion] finds values to re-seal.
// Blind indexes use the current key only, so rotation must recompute them.
type Sealer struct {
	current byte
	aeads   map[byte]cipher.AEAD
	index   []byte // HMAC key of the current version
}

// NewSealer returns a Sealer with one 32-byte master key, version 1.
func NewSealer(masterKey []byte) (*Sealer, error) {
	return NewSealerVersions(1, map[byte][]byte{1: masterKey})
}

// NewSealerVersions returns a Sealer that seals and indexes with
// keys[current] and opens values sealed with any key in keys. Version 0 is
// reserved.
func NewSealerVersions(current byte, keys map[byte][]byte) (*Sealer, error) {
	if current == 0 {
		return nil, errors.New("ident: key version 0 is reserved")
	}
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("ident: no key for current version %d", current)
	}
	s := &Sealer{current: current, aeads: make(map[byte]cipher.AEAD, len(keys))}
	for v, key := range keys {
		if v == 0 {
			return nil, errors.New("ident: key version 0 is reserved")
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("ident: key version %d has %d bytes, want %d", v, len(key), KeySize)
		}
		sealKey, err := hkdf.Key(sha256.New, key, nil, infoSeal, KeySize)
		if err != nil {
			return nil, fmt.Errorf("ident: derive seal key: %w", err)
		}
		block, err := aes.NewCipher(sealKey)
		if err != nil {
			return nil, fmt.Errorf("ident: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("ident: %w", err)
		}
		s.aeads[v] = aead
		if v == current {
			if s.index, err = hkdf.Key(sha256.New, key, nil, infoIndex, KeySize); err != nil {
				return nil, fmt.Errorf("ident: derive index key: %w", err)
			}
		}
	}
	return s, nil
}

// CurrentVersion returns the version Seal writes.
func (s *Sealer) CurrentVersion() byte { return s.current }

// Seal encrypts plaintext with a fresh random nonce under the current key.
// associatedData is authenticated but not stored; Open needs the same.
func (s *Sealer) Seal(plaintext, associatedData []byte) ([]byte, error) {
	aead := s.aeads[s.current]
	ns := aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+aead.Overhead())
	out[0] = s.current
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("ident: nonce: %w", err)
	}
	return aead.Seal(out, out[1:1+ns], plaintext, additional(s.current, associatedData)), nil
}

// Open decrypts a value from Seal. It fails with ErrUnknownKeyVersion when
// the key is not loaded and ErrOpen when the value or the associated data
// does not match.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, ErrOpen
	}
	aead, ok := s.aeads[sealed[0]]
	if !ok {
		return nil, ErrUnknownKeyVersion
	}
	ns := aead.NonceSize()
	if len(sealed) < 1+ns+aead.Overhead() {
		return nil, ErrOpen
	}
	pt, err := aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], additional(sealed[0], associatedData))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// additional prefixes the associated data with the version byte.
func additional(version byte, ad []byte) []byte {
	b := make([]byte, 0, 1+len(ad))
	return append(append(b, version), ad...)
}

// KeyVersion returns the key version of a sealed value, for finding values
// to re-seal after a rotation.
func (s *Sealer) KeyVersion(sealed []byte) (byte, error) {
	if len(sealed) == 0 {
		return 0, ErrOpen
	}
	return sealed[0], nil
}

// BlindIndex returns HMAC-SHA256 of value under the current index key,
// base64url-encoded without padding (43 characters). Equal inputs give equal
// indexes, so store it next to the sealed value for exact lookups; pass the
// canonical form (ResidentID.Number, ParsePhone's result), since any other
// spelling gives another index.
func (s *Sealer) BlindIndex(value string) string { return s.BlindIndexer()(value) }

// BlindIndexer returns a function that computes BlindIndex with one HMAC
// state kept between calls, for one goroutine that indexes many values (the
// demo's million seekers); it is not safe for concurrent use.
func (s *Sealer) BlindIndexer() func(value string) string {
	m := hmac.New(sha256.New, s.index)
	var sum [sha256.Size]byte
	return func(value string) string {
		m.Reset()
		io.WriteString(m, value)
		return base64.RawURLEncoding.EncodeToString(m.Sum(sum[:0]))
	}
}
