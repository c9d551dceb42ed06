package app

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// The access log writes one line per request. Written one by one, each line
// was a system call made under the log handler's lock, which every request
// waited for (issue #11: about a tenth of the CPU of the API mix). serve
// batches the request lines instead: they are written at most
// logFlushEvery later, or once logBatchMax bytes wait, and at exit; every
// other record (warnings, errors, the sign-in codes of --dev) is written at
// once, with whatever waits before it, so the order is kept.

const (
	logFlushEvery = 100 * time.Millisecond
	logBatchMax   = 64 << 10
)

// batchWriter keeps what is written until Flush, until logBatchMax bytes
// wait, or until every has passed since the first of them was written. The
// timer is armed by a write into an empty batch only: an idle server has
// nothing armed and wakes for nothing (a ticker woke it ten times a second).
type batchWriter struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	every   time.Duration
	timer   *time.Timer
	stopped bool
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		_, err := b.w.Write(p)
		return len(p), err
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBatchMax {
		return len(p), b.flushLocked()
	}
	if len(b.buf) == len(p) && b.every > 0 {
		if b.timer == nil {
			b.timer = time.AfterFunc(b.every, func() { b.Flush() })
		} else {
			b.timer.Reset(b.every)
		}
	}
	return len(p), nil
}

// Flush writes what waits.
func (b *batchWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *batchWriter) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// stop flushes what waits; later writes go straight through.
func (b *batchWriter) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	if b.timer != nil {
		b.timer.Stop()
	}
	b.flushLocked()
}

// flushHandler writes every record but the access log's at once.
type flushHandler struct {
	slog.Handler
	w *batchWriter
}

func (h flushHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level != slog.LevelInfo || r.Message != "request" {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushHandler{h.Handler.WithAttrs(as), h.w}
}

func (h flushHandler) WithGroup(name string) slog.Handler {
	return flushHandler{h.Handler.WithGroup(name), h.w}
}

// newBatchedLogger is newLogger with the access log batched, written at
// least every so often; stop flushes what waits and stops the flusher.
func newBatchedLogger(w io.Writer, level string, every time.Duration) (_ *slog.Logger, stop func()) {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	b := &batchWriter{w: w, every: every}
	h := flushHandler{slog.NewJSONHandler(b, &slog.HandlerOptions{Level: l}), b}
	return slog.New(h), b.stop
}
