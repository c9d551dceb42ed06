package store

import (
	"context"
	"sync"
	"time"
)

// freshRead shares one read of a value among the requests that need it at
// about the same moment, without ever giving a request a value read before
// it asked: a request waits for the next read that starts after it came
// (the read running when it came may have missed a commit just before), and
// every request that came while that read was waiting shares it. At most
// one read runs at a time. Under load a read serves the several requests
// that came during the one before it; alone, a request reads for itself.
//
// The sessions' catch-up reads the highest id of session_changes this way:
// a logout committed before a request came is seen by that request, as when
// each request read for itself, for a fraction of the reads.
type freshRead struct {
	// noDeadline runs the read without freshReadTimeout (set once, before
	// the first read): see Store.catchUpSessions.
	noDeadline bool

	mu      sync.Mutex
	started uint64        // reads started; one runs at a time, so all but the running one are done
	running chan struct{} // closed when the running read is done; nil when none runs
	val     int64         // what the last read done gave
	err     error
}

// done is the number of reads done; f.mu is held.
func (f *freshRead) done() uint64 {
	if f.running != nil {
		return f.started - 1
	}
	return f.started
}

// freshReadTimeout bounds a read that requests share: it does not end with
// the context of the request that happens to run it.
const freshReadTimeout = 10 * time.Second

// get returns the value of a read that started after get was called. The
// read runs with ctx's values but not its cancellation (other requests may
// be waiting for it); get itself returns when ctx ends.
func (f *freshRead) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	f.mu.Lock()
	need := f.started + 1
	for f.done() < need {
		if f.running == nil {
			f.started++
			ch := make(chan struct{})
			f.running = ch
			f.mu.Unlock()
			rctx, cancel := context.WithoutCancel(ctx), context.CancelFunc(func() {})
			if !f.noDeadline {
				rctx, cancel = context.WithTimeout(rctx, freshReadTimeout)
			}
			v, err := read(rctx)
			cancel()
			f.mu.Lock()
			f.val, f.err, f.running = v, err, nil
			close(ch)
			break
		}
		ch := f.running
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		f.mu.Lock()
	}
	v, err := f.val, f.err
	f.mu.Unlock()
	return v, err
}
