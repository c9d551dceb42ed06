package briefing_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
)

// BenchmarkDashboards answers each dashboard on a big database named by
// EASYJOB_BENCH_DB (a database URL: sqlite:/tmp/big-briefing/easyjob.db, or
// postgres://…; it is migrated, and its rollups built on the first run),
// for the city, a district and a station, and reports p50 and p99 over
// EASYJOB_BENCH_N requests (50). A dashboard is what its page reads: the
// funnel by the grouping with its total, arrivals by day, the retention
// curves (by week), the map (by county and by district), the medians (one
// Board: one pass over the snapshot) and the charters. The snapshot's load
// from nothing and its size are logged. With EASYJOB_BENCH_REBUILD set, the rollups are emptied and
// built again first (the first build is logged: its transactions, wall and
// CPU time, the longest transaction; EASYJOB_BENCH_CHUNK fixes the seekers a
// chunk). docs/PERFORMANCE.md has the figures:
//
//	EASYJOB_BENCH_DB=sqlite:/tmp/big-briefing/easyjob.db go test -run '^$' -bench Dashboards -benchtime 1x ./internal/briefing/
func BenchmarkDashboards(b *testing.B) {
	url := os.Getenv("EASYJOB_BENCH_DB")
	if url == "" {
		b.Skip("EASYJOB_BENCH_DB names a big demo database")
	}
	n := 50
	if v, err := strconv.Atoi(os.Getenv("EASYJOB_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := store.New(db, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sv := briefing.New(s, i18n.MustLoad())
	sv.Stale = time.Hour                          // the refresh is measured on its own
	if os.Getenv("EASYJOB_BENCH_REBUILD") != "" { // build them again from nothing
		for _, t := range []string{"briefing_cursors", "briefing_seekers", "briefing_facts", "briefing_registered"} {
			if _, err := db.W.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The first build (if the rollups are not built yet), step by step: its
	// wall and CPU time and its longest transaction.
	start, cpu := time.Now(), cpuTime()
	var chunks int
	var longest time.Duration
	stop, _ := time.ParseDuration(os.Getenv("EASYJOB_BENCH_BUILD_FOR"))
	for {
		t0 := time.Now()
		building, err := sv.Step(ctx)
		if err != nil {
			b.Fatal(err)
		}
		chunks++
		took := time.Since(t0)
		longest = max(longest, took)
		if took > time.Second {
			p, _ := sv.Progress(ctx)
			b.Logf("transaction %d took %s (%d %% built)", chunks, took.Round(time.Millisecond), p)
		}
		if !building {
			break
		}
		if stop != 0 && time.Since(start) > stop { // to profile the build
			b.Skipf("stopped the build after %d transactions, the longest %s", chunks, longest)
		}
	}
	b.Logf("first build: %d transactions in %s (CPU %s), the longest %s", chunks, time.Since(start).Round(time.Millisecond),
		(cpuTime() - cpu).Round(time.Millisecond), longest.Round(time.Millisecond))
	start = time.Now()
	k, err := sv.Refresh(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("refresh: %d read in %s", k, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if _, err := sv.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("refresh with nothing new: %s", time.Since(start).Round(time.Millisecond))
	// The snapshot of the facts in memory: its load from nothing, its size.
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start = time.Now()
	if err := sv.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	facts, bytes, _ := sv.SnapshotInfo()
	b.Logf("snapshot: %d facts loaded in %s; %d MB by its slices, the heap grew by %d MB", facts, took.Round(time.Millisecond),
		bytes>>20, (int64(m1.HeapAlloc)-int64(m0.HeapAlloc))>>20)

	today := easyjob.DateOf(s.Now())
	var county string
	if err := db.R.QueryRowContext(ctx, `SELECT county FROM briefing_registered GROUP BY county ORDER BY SUM(n) DESC LIMIT 1`).Scan(&county); err != nil {
		b.Fatal(err)
	}
	actors := []struct {
		name string
		a    easyjob.Actor
	}{
		{"city", easyjob.Actor{Role: easyjob.RoleOfficer, Region: "4403", Scope: easyjob.ScopeAll}},
		{"district", easyjob.Actor{Role: easyjob.RoleOfficer, Region: "440307", Scope: store.ScopeOf(easyjob.RoleOfficer, "440307")}},
		{"station", easyjob.Actor{Role: easyjob.RoleOfficer, Region: county, Scope: store.ScopeOf(easyjob.RoleOfficer, county)}},
	}
	dashboard := func(a easyjob.Actor, q briefing.Query) error { // as internal/web's dashboard reads it
		if _, err := sv.Board(ctx, a, q, briefing.BoardOf{Groupings: []string{q.GroupBy, "week", "origin_county", "district"},
			Daily: "arrived", Medians: true}); err != nil {
			return err
		}
		_, err := sv.Charters(ctx, a, q)
		return err
	}
	for _, ac := range actors {
		for _, g := range []string{"origin_county", "district", "week", "trade", "employer"} {
			for _, days := range []int{90, 400} {
				q := briefing.Query{From: today.AddDays(-(days - 1)), To: today, GroupBy: g}
				name := ac.name + "/" + g + "/" + strconv.Itoa(days) + "d"
				b.Run(name, func(b *testing.B) {
					for range b.N {
						var ts []time.Duration
						for range n {
							t0 := time.Now()
							if err := dashboard(ac.a, q); err != nil {
								b.Fatal(err)
							}
							ts = append(ts, time.Since(t0))
						}
						sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
						p := func(x float64) float64 { return float64(ts[int(x*float64(len(ts)-1))].Microseconds()) / 1000 }
						b.ReportMetric(p(0.5), "p50-ms")
						b.ReportMetric(p(0.99), "p99-ms")
					}
				})
			}
		}
	}
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
