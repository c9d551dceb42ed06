package app

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// TestBatchedLog: access log lines wait for a batch; any other record is
// written at once after them, in order; stopping writes what waits.
func TestBatchedLog(t *testing.T) {
	var out lockedBuffer
	log, stop := newBatchedLogger(&out, "info", time.Hour)
	log.Info("request", "path", "/a")
	log.Info("request", "path", "/b")
	if got := out.lines(); len(got) != 1 || got[0] != "" {
		t.Fatalf("request lines written before their batch: %q", got)
	}
	log.Info("code sent", "phone", "masked")
	got := out.lines()
	if len(got) != 3 || !strings.Contains(got[0], `"/a"`) || !strings.Contains(got[1], `"/b"`) || !strings.Contains(got[2], "code sent") {
		t.Fatalf("after another record: %q", got)
	}
	log.With("x", 1).Info("request", "path", "/c")
	log.Debug("hidden")
	if got := out.lines(); len(got) != 3 {
		t.Fatalf("request line of a derived logger written at once: %q", got)
	}
	log.With("x", 1).Warn("slow")
	if got := out.lines(); len(got) != 5 || !strings.Contains(got[3], `"/c"`) || !strings.Contains(got[4], "slow") {
		t.Fatalf("a derived logger's warning: %q", got)
	}
	log.Info("request", "path", "/d")
	stop()
	if got := out.lines(); len(got) != 6 || !strings.Contains(got[5], `"/d"`) {
		t.Fatalf("after stop: %q", got)
	}
	// Many lines: written once logBatchMax bytes wait.
	var out2 lockedBuffer
	log, stop = newBatchedLogger(&out2, "info", time.Hour)
	defer stop()
	for range logBatchMax / 50 {
		log.Info("request", "path", "/e")
	}
	if got := out2.lines(); len(got) < 2 {
		t.Fatalf("%d bytes waiting, nothing written", logBatchMax)
	}
}

// TestBatchedLogFlushesLater: a request line alone is written once the
// batch's time has passed, and a later one re-arms the timer.
func TestBatchedLogFlushesLater(t *testing.T) {
	var out lockedBuffer
	log, stop := newBatchedLogger(&out, "info", 20*time.Millisecond)
	defer stop()
	for i, path := range []string{"/a", "/b"} {
		log.Info("request", "path", path)
		deadline := time.Now().Add(5 * time.Second)
		for len(out.lines()) != i+1 || out.lines()[0] == "" {
			if time.Now().After(deadline) {
				t.Fatalf("line %s not written 5 s after its batch's time: %q", path, out.lines())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
