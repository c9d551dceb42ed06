package gcpace_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"easyjob/internal/gcpace"
)

func TestLimit(t *testing.T) {
	const mb = 1 << 20
	// 400 MB live, 40 MB of stacks and runtime structures besides the
	// heap: room for 400 MB more before the next collection.
	if got, want := gcpace.Limit(400*mb, 900*mb, 300*mb, 60*mb, 500*mb, 100), int64(840*mb); got != want {
		t.Errorf("Limit = %d MB, want %d MB", got/mb, want/mb)
	}
	if got, want := gcpace.Limit(400*mb, 900*mb, 300*mb, 60*mb, 500*mb, 50), int64(640*mb); got != want {
		t.Errorf("Limit at 50 %% = %d MB, want %d MB", got/mb, want/mb)
	}
	// A tiny heap still grows by the runtime's 4 MB before collecting.
	if got, want := gcpace.Limit(1*mb, 10*mb, 0, 2*mb, 3*mb, 100), int64(10*mb); got != want {
		t.Errorf("Limit of a tiny heap = %d MB, want %d MB", got/mb, want/mb)
	}
}

func TestStartHonoursTheOperator(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		stop, started := gcpace.Start(100, func(k string) string {
			if k == env {
				return "200"
			}
			return ""
		})
		stop()
		if started {
			t.Errorf("Start with %s set paced the collector", env)
		}
	}
}

var keep [][]byte

func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestPacing: once started, GOGC is off (so no collection every two
// minutes), the limit follows the live heap after each collection, and a
// heap that keeps allocating still collects (its memory stays bounded).
func TestPacing(t *testing.T) {
	stop, started := gcpace.Start(100, func(string) string { return "" })
	if !started {
		t.Fatal("not started")
	}
	defer stop()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GOGC is %d while pacing, want off", p)
	}
	// A second start (a second server in the process) leaves it alone.
	stop2, again := gcpace.Start(100, func(string) string { return "" })
	stop2()
	if again {
		t.Error("a second Start paced too")
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GOGC is %d after the second Start's stop, want still off", p)
	}

	// 64 MB kept alive: the limit must move above twice that. A cleanup
	// that runs while the next collection marks arms a sentinel that this
	// collection keeps (new objects are marked), so the move may wait for
	// one more collection: collect until it comes.
	for range 64 {
		keep = append(keep, make([]byte, 1<<20))
	}
	var live uint64
	var lim int64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		live = read("/gc/heap/live:bytes")
		time.Sleep(20 * time.Millisecond)
		if lim = debug.SetMemoryLimit(-1); lim >= int64(2*live) {
			break
		}
	}
	if lim < int64(2*live) || lim > int64(3*live) {
		t.Fatalf("limit %d MB after a collection with %d MB live, want about twice the live heap", lim>>20, live>>20)
	}

	// The heap's goal, where the next collection starts, is the limit's:
	// about twice the live heap, not the endless goal of GOGC off alone.
	// (How many collections a burst of garbage causes depends on when the
	// collector's workers get a core, so the test reads the goal.)
	if goal := read("/gc/heap/goal:bytes"); goal < live || goal > uint64(lim) {
		t.Errorf("heap goal %d MB with %d MB live and a %d MB limit, want between", goal>>20, live>>20, lim>>20)
	}
	// And garbage of ten times the live heap starts a collection (how far
	// the heap overshoots while it marks depends on the machine's load).
	before := read("/gc/cycles/total:gc-cycles")
	var sink []byte
	for range 640 {
		sink = make([]byte, 1<<20)
	}
	_ = sink
	for deadline := time.Now().Add(10 * time.Second); read("/gc/cycles/total:gc-cycles") == before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if read("/gc/cycles/total:gc-cycles") == before {
		t.Errorf("no collection while allocating 640 MB over %d MB live", live>>20)
	}
	stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC after stop is %d, want the 100 it was", p)
	}
	keep = nil
}
