package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFreshReadNeverStale: many requests at once, while a writer keeps
// committing; each request must get a value read after it came (never less
// than what was committed when it asked), and they share reads.
func TestFreshReadNeverStale(t *testing.T) {
	var f freshRead
	var committed, reads atomic.Int64
	read := func(context.Context) (int64, error) {
		reads.Add(1)
		v := committed.Load()
		time.Sleep(200 * time.Microsecond) // a read takes a while: others come meanwhile
		return v, nil
	}
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				committed.Add(1)
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	defer close(stop)
	const goroutines, each = 32, 100
	var wg sync.WaitGroup
	var stale atomic.Int64
	for range goroutines {
		wg.Go(func() {
			for range each {
				before := committed.Load()
				v, err := f.get(context.Background(), read)
				if err != nil {
					t.Error(err)
					return
				}
				if v < before {
					stale.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := stale.Load(); n > 0 {
		t.Errorf("%d of %d requests got a value read before they came", n, goroutines*each)
	}
	if n := reads.Load(); n >= goroutines*each/2 {
		t.Errorf("%d reads for %d requests coming together: not shared", n, goroutines*each)
	}
	t.Logf("%d reads for %d requests", reads.Load(), goroutines*each)
}

// TestFreshReadContexts: a request that gives up returns at once; the
// request that runs a read giving up does not fail the others sharing it;
// a read's error reaches those who shared it.
func TestFreshReadContexts(t *testing.T) {
	var f freshRead
	release := make(chan struct{})
	started := make(chan struct{})
	slow := func(ctx context.Context) (int64, error) {
		close(started)
		<-release
		return 7, ctx.Err()
	}
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := f.get(leaderCtx, slow)
		leader <- err
	}()
	<-started

	// One who came while the read runs waits for the next; it gives up.
	waiterCtx, cancelWaiter := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := f.get(waiterCtx, func(context.Context) (int64, error) { return 8, nil })
		gaveUp <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancelWaiter()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("a request that gave up got %v, want context.Canceled", err)
	}

	cancelLeader() // the read it runs goes on for the others
	close(release)
	if err := <-leader; err != nil {
		t.Errorf("the read ended with its request's context: %v", err)
	}

	boom := errors.New("database down")
	if _, err := f.get(context.Background(), func(context.Context) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("a read's error: got %v", err)
	}
	if v, err := f.get(context.Background(), func(context.Context) (int64, error) { return 9, nil }); v != 9 || err != nil {
		t.Errorf("after an error the next read gives %d, %v; want 9", v, err)
	}
}

// TestFreshReadDeadline: the shared read carries freshReadTimeout unless
// noDeadline is set (SQLite); then its context cannot end at all.
func TestFreshReadDeadline(t *testing.T) {
	for _, noDeadline := range []bool{false, true} {
		f := freshRead{noDeadline: noDeadline}
		ctx, cancel := context.WithCancel(context.Background())
		var has bool
		var done <-chan struct{}
		if _, err := f.get(ctx, func(rctx context.Context) (int64, error) {
			_, has = rctx.Deadline()
			done = rctx.Done()
			return 1, nil
		}); err != nil {
			t.Fatal(err)
		}
		cancel()
		if has == noDeadline {
			t.Errorf("noDeadline %v: the read had a deadline: %v", noDeadline, has)
		}
		if noDeadline && done != nil {
			t.Errorf("noDeadline: the read's context can end (the driver would watch it)")
		}
	}
}
