//go:build linux

package store_test

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/match"
	"easyjob/internal/store"
)

// TestFallbackFigures measures, on a demo database, how many seekers find
// an empty page of recommendations and how many fewer than five, with the
// direct matches alone (before fallbacks) and with them (after), why every
// empty page is empty, and the latency of both:
//
//	easyjob demo --postings 100000 --seekers 1000000 --db sqlite:/tmp/big/easyjob.db
//	EASYJOB_BENCH_DB=sqlite:/tmp/big/easyjob.db go test -run TestFallbackFigures -v -timeout 1h ./internal/store/
//
// EASYJOB_BENCH_SAMPLE sets the number of seekers drawn (default 5,000).
// It prints Markdown for docs/PERFORMANCE.md.
func TestFallbackFigures(t *testing.T) {
	dbURL := os.Getenv("EASYJOB_BENCH_DB")
	if dbURL == "" {
		t.Skip("EASYJOB_BENCH_DB names a demo database to measure")
	}
	n := 5000
	if v := os.Getenv("EASYJOB_BENCH_SAMPLE"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB = dbURL
	cfg.Key = os.Getenv("EASYJOB_KEY")
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s := a.Store
	m := s.Matching
	if err := m.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	cat := i18n.MustLoad()
	load0 := loadavg()
	out := &strings.Builder{}
	fmt.Fprintf(out, "\nDatabase %s, %d open postings and %d seekers in the index; %s, %d cores, %s; load average %s at the start.\n\n",
		a.DB.Dialect, m.Postings, m.Seekers, cpuName(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"), load0)

	var maxSeeker int64
	if err := a.DB.R.QueryRowContext(ctx, `SELECT MAX(id) FROM seekers`).Scan(&maxSeeker); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = 1 + r.Int64N(maxSeeker)
	}
	ix := m.Index()
	today := match.Date(s.Today().Days())
	const limit = 20

	// Before and after, interleaved so that both see the same load.
	before, after := make([]time.Duration, n), make([]time.Duration, n)
	var emptyB, shortB, emptyA, shortA, alsoItems, filled int
	var shortPage []int // seekers with fewer than limit matches: those fallbacks are looked for
	causes := map[string]int{}
	examples := map[string]string{}
	ages := map[string][2]int{} // youngest and oldest by cause
	cpuB, cpuA := make([]time.Duration, n), make([]time.Duration, n)
	runtime.LockOSThread()
	for i, id := range ids {
		var recs []match.Recommendation
		var pg match.Page
		var errB, errA error
		runBefore := func() {
			c0, t0 := threadCPU(), time.Now()
			recs, errB = ix.RecommendByID(id, today, limit)
			before[i], cpuB[i] = time.Since(t0), threadCPU()-c0
		}
		runAfter := func() {
			c0, t0 := threadCPU(), time.Now()
			pg, errA = ix.RecommendPageByID(id, today, limit, nil)
			after[i], cpuA[i] = time.Since(t0), threadCPU()-c0
		}
		// Alternate which goes first, so that neither gains from the
		// other's warm caches.
		if i%2 == 0 {
			runBefore()
			runAfter()
		} else {
			runAfter()
			runBefore()
		}
		if err := cmp.Or(errB, errA); err != nil {
			t.Fatalf("seeker %d: %v", id, err)
		}
		if len(recs) == 0 {
			emptyB++
		}
		if len(recs) < store.ShortBelow {
			shortB++
		}
		if len(pg.Items) < store.ShortBelow {
			shortA++
		}
		if pg.Direct != len(recs) {
			t.Errorf("seeker %d: %d direct matches on the page, %d from Recommend", id, pg.Direct, len(recs))
		}
		alsoItems += len(pg.Items) - pg.Direct
		if pg.Direct < limit {
			shortPage = append(shortPage, i)
		}
		if len(pg.Items) > pg.Direct {
			filled++
		}
		if len(pg.Items) == 0 {
			emptyA++
			c := pg.Empty.Cause.String()
			if pg.Empty.Cause == match.NotEmpty || !cat.Has("zh-CN", pg.Empty.Reason.Key) {
				t.Errorf("seeker %d: empty page without a reason: %+v", id, pg.Empty)
			}
			causes[c]++
			if age, ok := pg.Empty.Reason.Args["age"].(int); ok {
				r := ages[c]
				if r[0] == 0 || age < r[0] {
					r[0] = age
				}
				ages[c] = [2]int{r[0], max(r[1], age)}
			}
			if _, ok := examples[c]; !ok {
				examples[c] = fmt.Sprintf("seeker %d: %s", id, cat.Msg("zh-CN", easyjob.Msg{Key: pg.Empty.Reason.Key, Args: pg.Empty.Reason.Args}))
			}
		}
	}
	pick := func(ds []time.Duration) []time.Duration {
		out := make([]time.Duration, len(shortPage))
		for k, i := range shortPage {
			out[k] = ds[i]
		}
		return out
	}
	shortB2, shortA2 := pick(cpuB), pick(cpuA) // before lat sorts them
	pct := func(k int) string { return fmt.Sprintf("%.2f %% (%d)", 100*float64(k)/float64(n), k) }
	fmt.Fprintf(out, "%d seekers drawn at random (ids 1–%d), pages of %d:\n\n", n, maxSeeker, limit)
	fmt.Fprintf(out, "| | before (matches only) | after (with fallbacks) |\n|---|---|---|\n")
	fmt.Fprintf(out, "| empty page | %s | %s |\n", pct(emptyB), pct(emptyA))
	fmt.Fprintf(out, "| fewer than %d | %s | %s |\n", store.ShortBelow, pct(shortB), pct(shortA))
	lat := func(ds []time.Duration) string {
		slices.Sort(ds)
		return fmt.Sprintf("p50 %s, p99 %s, max %s", qd(ds, 0.5), qd(ds, 0.99), ds[len(ds)-1].Round(time.Microsecond))
	}
	fmt.Fprintf(out, "| latency, index only (wall) | %s | %s |\n", lat(before), lat(after))
	fmt.Fprintf(out, "| latency, index only (the thread's CPU time) | %s | %s |\n", lat(cpuB), lat(cpuA))
	if len(shortPage) > 0 {
		fmt.Fprintf(out, "| the same, only the %d seekers with fewer than %d matches (CPU time) | %s | %s |\n",
			len(shortPage), limit, lat(shortB2), lat(shortA2))
	}
	fmt.Fprintf(out, "\nFallbacks filled %s of the pages, %.1f items on those pages on average.\n",
		pct(filled), float64(alsoItems)/float64(max(filled, 1)))
	fmt.Fprintf(out, "\nEmpty pages by cause (after):\n\n| cause | seekers | ages | an example (zh-CN) |\n|---|---|---|---|\n")
	names := make([]string, 0, len(causes))
	for c := range causes {
		names = append(names, c)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(causes[b], causes[a]), cmp.Compare(a, b)) })
	for _, c := range names {
		fmt.Fprintf(out, "| %s | %d | %d–%d | %s |\n", c, causes[c], ages[c][0], ages[c][1], examples[c])
	}

	// In process, through the store, as the seeker (the API's path less HTTP).
	store1, storeCPU := make([]time.Duration, n), make([]time.Duration, n)
	for i, id := range ids {
		c0, t0 := threadCPU(), time.Now()
		if _, err := s.RecommendationPage(ctx, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: id}, id, limit); err != nil {
			t.Fatal(err)
		}
		store1[i], storeCPU[i] = time.Since(t0), threadCPU()-c0
	}
	runtime.UnlockOSThread()
	fmt.Fprintf(out, "\n| measure | value |\n|---|---|\n")
	fmt.Fprintf(out, "| recommendations in process as the seeker (store: access rule, index with fallbacks, postings from memory), wall | %s |\n", lat(store1))
	fmt.Fprintf(out, "| the same, the thread's CPU time | %s |\n", lat(storeCPU))

	// The officers' count over every seeker.
	var counts []match.CountyShort
	t0 := time.Now()
	counts = ix.CountShort(today, store.ShortBelow, nil)
	took := time.Since(t0)
	var all, short int
	for _, c := range counts {
		all += c.Seekers
		short += c.Short
	}
	fmt.Fprintf(out, "| per-county count of seekers with fewer than %d (match.Index.CountShort, all %d active seekers, %d counties) | %s; %d short (%.2f %%) |\n",
		store.ShortBelow, all, len(counts), took.Round(time.Millisecond), short, 100*float64(short)/float64(max(all, 1)))
	fmt.Fprintf(out, "\nLoad average at the end: %s.\n", loadavg())
	t.Log(out.String())
}

func qd(ds []time.Duration, p float64) time.Duration {
	return ds[int(p*float64(len(ds)-1))].Round(time.Microsecond)
}

// threadCPU returns the CPU time the calling OS thread has used
// (CLOCK_THREAD_CPUTIME_ID); unlike wall time it leaves out waiting for a
// core on a busy machine. Callers lock the goroutine to its thread.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuName() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			return strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
		}
	}
	return runtime.GOARCH
}
