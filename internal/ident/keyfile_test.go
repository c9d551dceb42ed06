package ident

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i*7 + 250) // includes bytes giving '+', '/', '-' and '_'
	}
	valid := []string{
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		"  " + base64.StdEncoding.EncodeToString(key) + "\n",
	}
	for _, s := range valid {
		got, err := ParseKey(s)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}
	invalid := []string{
		"",
		hex.EncodeToString(key[:31]),
		hex.EncodeToString(append(bytes.Clone(key), 0)),
		base64.StdEncoding.EncodeToString(key[:16]),
		base64.StdEncoding.EncodeToString(append(bytes.Clone(key), 1)),
		"not a key at all!",
	}
	for _, s := range invalid {
		if k, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) = %x, want error", s, k)
		} else if len(s) > 8 && strings.Contains(err.Error(), s) {
			t.Errorf("error %q contains the key", err)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits")
	}
	dir := filepath.Join(t.TempDir(), "secrets", "easyjob")
	path := filepath.Join(dir, "master.key")

	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != KeySize || bytes.Equal(k1, make([]byte, KeySize)) {
		t.Fatalf("key %x", k1)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v, %v; want 0700", fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err != nil || !bytes.Equal(got, k1) {
		t.Errorf("file holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key", len(entries))
	}

	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load: %x, %v", k2, err)
	}
	other, err := LoadOrCreateKeyFile(filepath.Join(dir, "other.key"))
	if err != nil || bytes.Equal(other, k1) {
		t.Errorf("second key file: %v (equal to first: %v)", err, bytes.Equal(other, k1))
	}

	t.Run("loose permissions refused", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o644, 0o610} {
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateKeyFile(path); err == nil || !strings.Contains(err.Error(), "permissions") {
				t.Errorf("mode %#o: err = %v", mode, err)
			}
		}
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKeyFile(path); err != nil {
			t.Errorf("mode 0400: %v", err)
		}
	})
	t.Run("wrong length refused", func(t *testing.T) {
		p := filepath.Join(dir, "short.key")
		if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(make([]byte, 16))), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKeyFile(p); err == nil || !strings.Contains(err.Error(), "16 bytes") {
			t.Errorf("err = %v", err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKeyFile(p); err == nil {
			t.Error("empty key file accepted")
		}
	})
	t.Run("hex key file", func(t *testing.T) {
		p := filepath.Join(dir, "hex.key")
		if err := os.WriteFile(p, []byte(hex.EncodeToString(k1)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if k, err := LoadOrCreateKeyFile(p); err != nil || !bytes.Equal(k, k1) {
			t.Errorf("hex key file: %v", err)
		}
	})
	t.Run("directory refused", func(t *testing.T) {
		p := filepath.Join(dir, "sub")
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKeyFile(p); err == nil {
			t.Error("directory accepted as key file")
		}
	})
}
