package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// However many callers arrive, at most Slots hashes run at once; callers
// beyond what the wait absorbs are turned away with ErrBusy.
func TestGateBoundsConcurrency(t *testing.T) {
	g := NewGate(2, 5*time.Millisecond)
	var running, most atomic.Int64
	var ok, busy atomic.Int64
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 40 {
		wg.Go(func() {
			err := g.Do(context.Background(), func() {
				n := running.Add(1)
				for p := most.Load(); n > p && !most.CompareAndSwap(p, n); p = most.Load() {
				}
				<-release
				running.Add(-1)
			})
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrBusy):
				busy.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // every caller has waited out its 5 ms
	close(release)
	wg.Wait()
	if most.Load() > 2 || g.Peak() > 2 {
		t.Fatalf("%d hashes ran at once (gate says %d), want at most 2", most.Load(), g.Peak())
	}
	if ok.Load() != 2 || busy.Load() != 38 || g.Busy() != 38 || g.Checks() != 2 {
		t.Fatalf("ran %d, turned away %d (gate: %d checks, %d busy)", ok.Load(), busy.Load(), g.Checks(), g.Busy())
	}
}

func TestGateChecks(t *testing.T) {
	g := NewGate(1, time.Second)
	h, err := g.HashPassword(context.Background(), "correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.CheckPassword(context.Background(), h, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := g.CheckPassword(context.Background(), h, "wrong horse battery"); err != ErrMismatch {
		t.Fatalf("wrong password: %v", err)
	}
	if g.Checks() != 3 {
		t.Fatalf("checks %d", g.Checks())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g.slots <- struct{}{} // every slot taken
	if err := g.CheckPassword(ctx, h, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
