//go:build !unix

package store

// lockFile is a no-op where flock is not available; run one migrator at a time there.
func lockFile(string) (func(), error) { return func() {}, nil }
