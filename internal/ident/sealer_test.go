package ident

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustSealer(tb testing.TB, key []byte) *Sealer {
	tb.Helper()
	s, err := NewSealer(key)
	if err != nil {
		tb.Fatalf("NewSealer: %v", err)
	}
	return s
}

func mustSeal(tb testing.TB, s *Sealer, pt, ad string) []byte {
	tb.Helper()
	c, err := s.Seal([]byte(pt), []byte(ad))
	if err != nil {
		tb.Fatalf("Seal: %v", err)
	}
	return c
}

func TestSealOpen(t *testing.T) {
	s := mustSealer(t, testKey(1))
	const pt, ad = "11010519491231002X", "seeker/42/id_number"
	c1 := mustSeal(t, s, pt, ad)
	c2 := mustSeal(t, s, pt, ad)
	if bytes.Equal(c1, c2) {
		t.Error("two seals of one value are equal: nonce not random")
	}
	if c1[0] != 1 || len(c1) != 1+12+len(pt)+16 {
		t.Errorf("sealed value: version %d, length %d", c1[0], len(c1))
	}
	if bytes.Contains(c1, []byte(pt)) {
		t.Error("ciphertext contains the plaintext")
	}
	got, err := s.Open(c1, []byte(ad))
	if err != nil || string(got) != pt {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// Empty plaintext and nil associated data work too.
	e := mustSeal(t, s, "", "")
	if got, err := s.Open(e, nil); err != nil || len(got) != 0 {
		t.Errorf("Open(empty) = %q, %v", got, err)
	}

	t.Run("tampering", func(t *testing.T) {
		for i := range c1 {
			bad := bytes.Clone(c1)
			bad[i] ^= 0x01
			if _, err := s.Open(bad, []byte(ad)); err == nil {
				t.Errorf("flipping a bit of byte %d went unnoticed", i)
			}
		}
		for _, bad := range [][]byte{nil, {}, c1[:1], c1[:13], c1[:len(c1)-1], append(bytes.Clone(c1), 0)} {
			if _, err := s.Open(bad, []byte(ad)); err == nil {
				t.Errorf("Open of %d bytes succeeded", len(bad))
			}
		}
	})
	t.Run("wrong associated data", func(t *testing.T) {
		for _, bad := range []string{"", "seeker/43/id_number", "seeker/42/phone"} {
			if _, err := s.Open(c1, []byte(bad)); !errors.Is(err, ErrOpen) {
				t.Errorf("Open with AD %q: %v, want ErrOpen", bad, err)
			}
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		if _, err := mustSealer(t, testKey(2)).Open(c1, []byte(ad)); !errors.Is(err, ErrOpen) {
			t.Errorf("Open with another key: %v, want ErrOpen", err)
		}
	})
}

func TestSealerRotation(t *testing.T) {
	old := mustSealer(t, testKey(1))
	c := mustSeal(t, old, "13812345678", "ad")
	s, err := NewSealerVersions(2, map[byte][]byte{1: testKey(1), 2: testKey(2)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Open(c, []byte("ad")); err != nil || string(got) != "13812345678" {
		t.Fatalf("open old value: %q, %v", got, err)
	}
	c2 := mustSeal(t, s, "13812345678", "ad")
	if v, _ := s.KeyVersion(c2); v != 2 || s.CurrentVersion() != 2 {
		t.Errorf("new value has version %d", v)
	}
	if v, _ := s.KeyVersion(c); v != 1 {
		t.Errorf("old value has version %d", v)
	}
	if _, err := old.Open(c2, []byte("ad")); !errors.Is(err, ErrUnknownKeyVersion) {
		t.Errorf("old sealer opening a version-2 value: %v", err)
	}
	// Rewriting the version byte to another loaded key must fail.
	moved := bytes.Clone(c)
	moved[0] = 2
	if _, err := s.Open(moved, []byte("ad")); !errors.Is(err, ErrOpen) {
		t.Errorf("version byte rewritten: %v", err)
	}
	if _, err := s.KeyVersion(nil); err == nil {
		t.Error("KeyVersion(nil) succeeded")
	}
}

func TestNewSealerErrors(t *testing.T) {
	for _, k := range [][]byte{nil, make([]byte, 16), make([]byte, 31), make([]byte, 33), make([]byte, 64)} {
		if _, err := NewSealer(k); err == nil {
			t.Errorf("NewSealer with %d bytes succeeded", len(k))
		}
	}
	if _, err := NewSealerVersions(0, map[byte][]byte{0: testKey(1)}); err == nil {
		t.Error("version 0 accepted")
	}
	if _, err := NewSealerVersions(2, map[byte][]byte{1: testKey(1)}); err == nil {
		t.Error("missing current key accepted")
	}
	if _, err := NewSealerVersions(1, map[byte][]byte{1: testKey(1), 0: testKey(2)}); err == nil {
		t.Error("retired version 0 accepted")
	}
}

func TestBlindIndex(t *testing.T) {
	s := mustSealer(t, testKey(1))
	a := s.BlindIndex("11010519491231002X")
	if a != s.BlindIndex("11010519491231002X") || a != mustSealer(t, testKey(1)).BlindIndex("11010519491231002X") {
		t.Error("blind index is not deterministic")
	}
	if len(a) != 43 {
		t.Errorf("len = %d, want 43", len(a))
	}
	if a == s.BlindIndex("11010519491231002x") || a == s.BlindIndex("") {
		t.Error("different values share an index")
	}
	if a == mustSealer(t, testKey(2)).BlindIndex("11010519491231002X") {
		t.Error("different keys give the same index")
	}
	// One indexer for many values gives each value's own index.
	ix := s.BlindIndexer()
	for _, v := range []string{"11010519491231002X", "", "13900000001", "11010519491231002X", strings.Repeat("长", 100)} {
		if got, want := ix(v), s.BlindIndex(v); got != want {
			t.Errorf("indexer(%q) = %s, BlindIndex %s", v, got, want)
		}
	}
	// Key separation: the index key is an HKDF subkey, not the master key
	// nor the sealing key.
	for _, info := range []string{"", infoSeal} {
		k := testKey(1)
		if info != "" {
			var err error
			if k, err = hkdf.Key(sha256.New, testKey(1), nil, info, KeySize); err != nil {
				t.Fatal(err)
			}
		}
		m := hmac.New(sha256.New, k)
		m.Write([]byte("11010519491231002X"))
		if base64.RawURLEncoding.EncodeToString(m.Sum(nil)) == a {
			t.Errorf("blind index uses the key with info %q", info)
		}
	}
	// And it is the documented derivation.
	k, _ := hkdf.Key(sha256.New, testKey(1), nil, infoIndex, KeySize)
	m := hmac.New(sha256.New, k)
	m.Write([]byte("11010519491231002X"))
	if want := base64.RawURLEncoding.EncodeToString(m.Sum(nil)); a != want {
		t.Errorf("BlindIndex = %s, want HMAC under the %q subkey %s", a, infoIndex, want)
	}
}

func TestSealProperties(t *testing.T) {
	s := mustSealer(t, testKey(7))
	rapid.Check(t, func(t *rapid.T) {
		pt := rapid.SliceOf(rapid.Byte()).Draw(t, "plaintext")
		ad := rapid.SliceOf(rapid.Byte()).Draw(t, "ad")
		c, err := s.Seal(pt, ad)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Open(c, ad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("round trip: %v", err)
		}
		i := rapid.IntRange(0, len(c)-1).Draw(t, "byte")
		c[i] ^= byte(rapid.IntRange(1, 255).Draw(t, "xor"))
		if _, err := s.Open(c, ad); err == nil {
			t.Fatal("tampered value opened")
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	s := mustSealer(b, testKey(1))
	pt, ad := []byte("11010519491231002X"), []byte("seeker/42/id_number")
	for b.Loop() {
		if _, err := s.Seal(pt, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	s := mustSealer(b, testKey(1))
	for b.Loop() {
		s.BlindIndex("11010519491231002X")
	}
}

func BenchmarkParseResidentID(b *testing.B) {
	for b.Loop() {
		if _, err := ParseResidentIDAt("11010519491231002X", now); err != nil {
			b.Fatal(err)
		}
	}
}
