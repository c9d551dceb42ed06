package ident

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ParseKey decodes a 32-byte master key given as 64 hexadecimal digits or
// as base64 (standard or URL alphabet, with or without padding). Errors never
// contain the key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("ident: key is empty")
	}
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		k, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("ident: key has %d bytes, want %d", len(k), KeySize)
		}
		return k, nil
	}
	return nil, fmt.Errorf("ident: key is neither %d hex digits nor base64 of %d bytes", 2*KeySize, KeySize)
}

// LoadOrCreateKeyFile reads the master key from path (base64 text). When the
// file does not exist it creates its directory (0700) if needed and writes a
// new random key with permissions 0600. It refuses a key file that group or
// others may access, or that does not hold a 32-byte key.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	k, err := loadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("ident: create key directory: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("ident: generate key: %w", err)
	}
	// Write a temporary file, then link it into place so that a crash never
	// leaves a partial key file and two processes cannot both create one.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return nil, fmt.Errorf("ident: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("ident: write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return loadKeyFile(path) // another process won the race
		}
		return nil, fmt.Errorf("ident: create key file: %w", err)
	}
	return key, nil
}

func loadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ident: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("ident: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("ident: key file %s has permissions %#o; group and others must have none (chmod 600 %s)", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ident: read key file: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("ident: key file %s: %s", path, strings.TrimPrefix(err.Error(), "ident: "))
	}
	return k, nil
}
