// Package gcpace paces Go's garbage collector by a memory limit that it
// moves after every collection, instead of by GOGC, so that an idle server
// does not collect its whole heap every two minutes.
//
// With GOGC the runtime starts a collection when the heap has grown by
// GOGC % since the last one, and also at least every two minutes whatever
// the growth (the "forced" collection). An easyjob server keeps its indexes
// in memory (about 450 MB and 1.7 million objects at 100,000 postings and a
// million seekers): each forced collection marks all of it, a quarter of a
// second of CPU, although an idle server allocates almost nothing (issue
// #11: an idle server must use under 1 % of a core).
//
// The runtime skips the forced collection when GOGC is off. Start turns it
// off and sets a memory limit of what the process holds besides its heap
// plus the live heap times (1 + percent/100): the heap may grow by percent %
// before the next collection, as with GOGC=percent. After each collection
// (seen by a cleanup on an object that the collection frees) the limit
// moves to the new live heap. A heap that grows collects as often as under
// GOGC; one that does not collects never.
//
// An operator's GOGC or GOMEMLIMIT takes precedence: Start then does
// nothing.
package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// minHeap is the least growth allowed before a collection, as the runtime's
// own 4 MB minimum heap: a tiny heap does not collect on every allocation.
const minHeap = 4 << 20

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
	{Name: "/memory/classes/heap/free:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
}

// Limit is the memory limit that lets a heap of live bytes grow by percent %
// when the process maps total bytes, of which released were returned to the
// OS, free are free heap pages and objects are (live or dead) heap objects.
// The runtime compares the limit with everything mapped but the released
// and free pages, so the rest of the mapping (stacks, the runtime's own
// structures, the unused space of the heap's spans) is added to the heap's
// goal.
func Limit(live, total, released, free, objects uint64, percent int) int64 {
	other := int64(total) - int64(released) - int64(free) - int64(objects)
	other = max(other, 0)
	grow := max(int64(live)*int64(percent)/100, minHeap)
	return other + int64(live) + grow
}

// pacer keeps the state of a started pacing.
type pacer struct {
	mu      sync.Mutex
	percent int
	stopped bool
	oldGC   int
	oldLim  int64
	samples []metrics.Sample
}

// sentinel is the object whose cleanup tells that a collection ran. It is
// bigger than the runtime's tiny allocations, whose cleanups may never run.
type sentinel struct{ _ [64]byte }

// active is set while a pacing runs: the settings are the process's, so a
// second Start (two servers in one test binary) leaves them to the first.
var active atomic.Bool

// Start paces the collector at percent (as GOGC=percent) without the
// forced collection, unless getenv gives GOGC or GOMEMLIMIT or a pacing
// already runs. It returns what undoes it, and whether it started.
func Start(percent int, getenv func(string) string) (stop func(), started bool) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" || percent <= 0 || !active.CompareAndSwap(false, true) {
		return func() {}, false
	}
	p := &pacer{percent: percent, samples: append([]metrics.Sample(nil), samples...)}
	p.oldLim = debug.SetMemoryLimit(-1)
	p.mu.Lock()
	p.move()
	p.oldGC = debug.SetGCPercent(-1)
	p.mu.Unlock()
	p.arm()
	return p.stop, true
}

// move sets the limit from the heap as it is now; p.mu is held.
func (p *pacer) move() {
	metrics.Read(p.samples)
	v := func(i int) uint64 { return p.samples[i].Value.Uint64() }
	// As the runtime counts: the heap is its objects (dead ones not yet
	// swept included); the unused space of their spans is "other".
	debug.SetMemoryLimit(Limit(v(0), v(1), v(2), v(3), v(4), p.percent))
}

// arm registers a cleanup on a new sentinel: it runs after the collection
// that finds the sentinel unreachable, moves the limit and arms again. A
// cleanup that runs while the next collection already marks arms a sentinel
// that this collection keeps (it marks what is allocated meanwhile): that
// collection then leaves the limit where the one before set it, and the one
// after moves it.
func (p *pacer) arm() {
	s := new(sentinel)
	runtime.AddCleanup(s, func(p *pacer) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stopped {
			return
		}
		p.move()
		p.arm()
	}, p)
}

func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	debug.SetGCPercent(p.oldGC)
	debug.SetMemoryLimit(p.oldLim)
	active.Store(false)
}
