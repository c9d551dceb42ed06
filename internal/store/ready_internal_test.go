package store

import (
	"context"
	"testing"
	"time"

	"easyjob/internal/easyjob"
)

// While another goroutine builds the indexes (serve at start), a request
// waits ReadyWait and is then told to come back (503), never given an empty
// answer; once built it is served; with nobody building, first use builds.
func TestReadyOrBusy(t *testing.T) {
	m := &Matching{}
	m.bmu.Lock() // a build is running
	old := ReadyWait
	ReadyWait = 50 * time.Millisecond
	defer func() { ReadyWait = old }()
	if err := m.readyOrBusy(context.Background()); easyjob.ErrorCode(err) != easyjob.EUNAVAILABLE {
		t.Fatalf("during a build: %v", err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		m.built.Store(true)
		m.bmu.Unlock()
	}()
	ReadyWait = 5 * time.Second
	if err := m.readyOrBusy(context.Background()); err != nil {
		t.Fatalf("after the build: %v", err)
	}
}
