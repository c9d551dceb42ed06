//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on path (created if missing) so that two
// processes migrating one SQLite file take turns; PostgreSQL uses goose's
// session lock instead.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
