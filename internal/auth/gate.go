package auth

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// ErrBusy means every hashing slot stayed taken for the gate's whole wait:
// the caller should answer "try again shortly" instead of queueing more.
var ErrBusy = errors.New("auth: password hashing is busy")

// Gate bounds how many password hashes run at once. An argon2id hash at
// the default parameters holds 64 MiB for its whole run, so without a bound
// forty simultaneous sign-ins need 2.5 GiB; with one, memory is Slots × 64
// MiB however many arrive. A caller waits at most Wait for a slot.
type Gate struct {
	slots  chan struct{}
	wait   time.Duration
	checks atomic.Int64 // hashes run, for tests and metrics
	busy   atomic.Int64 // callers turned away
	inUse  atomic.Int64
	peak   atomic.Int64
}

// NewGate returns a gate of n slots (at least 1) whose callers wait at
// most wait for one.
func NewGate(n int, wait time.Duration) *Gate {
	if n < 1 {
		n = 1
	}
	return &Gate{slots: make(chan struct{}, n), wait: wait}
}

// Do runs fn in a slot, or returns ErrBusy when none frees up within the
// gate's wait (or ctx's error when ctx ends first).
func (g *Gate) Do(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			g.busy.Add(1)
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() {
		g.inUse.Add(-1)
		<-g.slots
	}()
	n := g.inUse.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	g.checks.Add(1)
	fn()
	return nil
}

// CheckPassword is CheckPassword in a slot: ErrBusy, ctx's error,
// ErrMismatch or nil.
func (g *Gate) CheckPassword(ctx context.Context, hash, password string) error {
	var err error
	if gerr := g.Do(ctx, func() { err = CheckPassword(hash, password) }); gerr != nil {
		return gerr
	}
	return err
}

// HashPassword is HashPassword in a slot.
func (g *Gate) HashPassword(ctx context.Context, password string, p Params) (string, error) {
	var h string
	var err error
	if gerr := g.Do(ctx, func() { h, err = HashPassword(password, p) }); gerr != nil {
		return "", gerr
	}
	return h, err
}

// Slots is how many hashes may run at once.
func (g *Gate) Slots() int { return cap(g.slots) }

// Checks is how many hashes the gate has run.
func (g *Gate) Checks() int64 { return g.checks.Load() }

// Busy is how many callers the gate turned away.
func (g *Gate) Busy() int64 { return g.busy.Load() }

// Peak is the most hashes that ran at once.
func (g *Gate) Peak() int64 { return g.peak.Load() }
