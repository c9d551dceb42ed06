package httpx

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"easyjob/internal/easyjob"

	"golang.org/x/sync/semaphore"
)

// Admission lets at most a fixed number of requests be worked on at once;
// the others wait their turn, first come first served (issue #11).
//
// On a small machine the requests beyond the cores only take turns on them:
// each waits for a connection, for the collector and for the others, and
// every answer comes late. Held at the door they wait once, in order, and
// the ones let in finish sooner: at 2,000 requests a second on the 100k / 1M
// demo on two cores, p99 went from 160-190 ms to 75-90 ms
// (docs/PERFORMANCE.md, "Tenth round").
//
// What a client does slowly does not hold a place: a request body of up to
// PrereadMax bytes is read before the request waits (a larger one, an
// upload, goes in without a place), and the place is given back at the
// answer's first byte, not when the last reaches a slow phone.
type Admission struct {
	sem      *semaphore.Weighted
	wait     time.Duration
	exempt   func(*http.Request) bool
	fail     func(http.ResponseWriter, *http.Request, error)
	waiting  atomic.Int64
	active   atomic.Int64
	bodyBufs sync.Pool
}

// PrereadMax is the largest request body read before a request waits for
// its place: forms and JSON bodies. Larger ones (spreadsheet uploads) are
// not held at the door.
const PrereadMax = 64 << 10

// ErrBusy is the answer to a request that waited longer than its
// Admission allows: 503, with Retry-After.
var ErrBusy = &easyjob.Error{Code: easyjob.EUNAVAILABLE, Msg: easyjob.M("error.busy")}

// NewAdmission works on at most n requests at once; a request that has
// waited for wait is answered ErrBusy through fail; requests for which
// exempt is true (health probes) never wait.
func NewAdmission(n int, wait time.Duration, exempt func(*http.Request) bool, fail func(http.ResponseWriter, *http.Request, error)) *Admission {
	return &Admission{sem: semaphore.NewWeighted(int64(n)), wait: wait, exempt: exempt, fail: fail}
}

// Waiting is the number of requests waiting for a place now.
func (a *Admission) Waiting() int64 { return a.waiting.Load() }

// Active is the number of requests holding a place now.
func (a *Admission) Active() int64 { return a.active.Load() }

// Handler returns next behind the door.
func (a *Admission) Handler(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.exempt != nil && a.exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		buf, whole := a.preread(r)
		if buf != nil {
			defer a.bodyBufs.Put(buf)
		}
		if !whole {
			next.ServeHTTP(w, r)
			return
		}
		// A free place with nobody waiting is taken at once (TryAcquire
		// keeps the order: it fails while anyone waits); else wait.
		if !a.sem.TryAcquire(1) {
			a.waiting.Add(1)
			ctx, cancel := context.WithTimeout(r.Context(), a.wait)
			err := a.sem.Acquire(ctx, 1)
			cancel()
			a.waiting.Add(-1)
			if err != nil {
				if r.Context().Err() != nil {
					return // the client went away
				}
				a.fail(w, r, ErrBusy)
				return
			}
		}
		a.active.Add(1)
		rw := &releaseWriter{ResponseWriter: w, door: a}
		defer rw.release()
		next.ServeHTTP(rw, r)
	}
}

// preread reads a request body of up to PrereadMax bytes into memory, so
// that a client sending it slowly does not hold a place. whole is false
// when the body is larger: the request then reads the rest itself and goes
// in without a place. A body that fails to read is left failing the same
// way for the handler to answer.
func (a *Admission) preread(r *http.Request) (buf *bytes.Buffer, whole bool) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, true
	}
	if r.ContentLength > PrereadMax {
		return nil, false
	}
	buf, _ = a.bodyBufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	body := r.Body
	n, err := buf.ReadFrom(io.LimitReader(body, PrereadMax+1))
	switch {
	case err != nil:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(buf.Bytes()), errReader{err}), body}
		return buf, true
	case n > PrereadMax:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(buf.Bytes()), body), body}
		return buf, false
	}
	r.Body = readCloser{bytes.NewReader(buf.Bytes()), body}
	return buf, true
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (rc readCloser) Close() error { return rc.c.Close() }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// releaseWriter gives the place back when the answer starts: its work is
// done, and what remains is the client's to read.
type releaseWriter struct {
	http.ResponseWriter
	door     *Admission
	released atomic.Bool
}

// release gives the place back, once.
func (rw *releaseWriter) release() {
	if rw.released.CompareAndSwap(false, true) {
		rw.door.active.Add(-1)
		rw.door.sem.Release(1)
	}
}

func (rw *releaseWriter) WriteHeader(code int) {
	// 1xx answers are not the answer yet.
	if code >= 200 {
		rw.release()
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *releaseWriter) Write(b []byte) (int, error) {
	rw.release()
	return rw.ResponseWriter.Write(b)
}

func (rw *releaseWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
