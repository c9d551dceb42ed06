package demo_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"easyjob/internal/demo"
	"easyjob/internal/store/storetest"
)

// TestLoadFigures times a demo load of the size in EASYJOB_BENCH_DEMO
// ("postings/seekers", for example 10000/100000) on a fresh SQLite file, or
// on the database EASYJOB_BENCH_DEMO_DB names (its tables are emptied):
//
//	EASYJOB_BENCH_DEMO=10000/100000 go test -run TestLoadFigures -v -cpuprofile /tmp/load.prof ./internal/demo/
//
// It is skipped without EASYJOB_BENCH_DEMO.
func TestLoadFigures(t *testing.T) {
	size := os.Getenv("EASYJOB_BENCH_DEMO")
	if size == "" {
		t.Skip("EASYJOB_BENCH_DEMO=postings/seekers times a demo load")
	}
	var o demo.Options
	if _, err := fmt.Sscanf(size, "%d/%d", &o.Postings, &o.Seekers); err != nil {
		t.Fatalf("EASYJOB_BENCH_DEMO=%q: want postings/seekers", size)
	}
	k := storetest.Kinds()[0]
	if u := os.Getenv("EASYJOB_BENCH_DEMO_DB"); u != "" {
		k = storetest.Kind{Name: "bench", URL: func(testing.TB) string { return u }}
	}
	s, _ := storetest.NewStore(t, k)
	o.Seed, o.Password, o.Force, o.Support = 1, password, true, true
	var progress strings.Builder
	o.Progress = &progress
	if os.Getenv("EASYJOB_BENCH_DEMO_KEEP_INDEXES") != "" {
		*demo.DropIndexes = false
		defer func() { *demo.DropIndexes = true }()
	}
	load := loadAvg()
	cpu0 := cpuTime()
	t0 := time.Now()
	sum, err := demo.Load(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d postings, %d seekers, %d applications, %d events loaded in %s (CPU time of the process %s) on %d cores; load average %s before, %s after\n%s",
		s.DB.Dialect, sum.Postings, sum.Seekers, sum.Applications, sum.Events, time.Since(t0).Round(10*time.Millisecond),
		(cpuTime() - cpu0).Round(10*time.Millisecond), runtime.NumCPU(), load, loadAvg(), progress.String())
}

// cpuTime is the user and system time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}
