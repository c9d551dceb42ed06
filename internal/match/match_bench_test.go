package match

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"easyjob/internal/occupation"
)

// Benchmarks run at two sizes: 10,000 postings with 100,000 seekers and
// 100,000 postings with 1,000,000 seekers (skipped with -short).
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/match
var benchSizes = []struct{ postings, seekers int }{
	{10_000, 100_000},
	{100_000, 1_000_000},
}

type benchFixture struct {
	d     *SyntheticData
	ix    *Index
	live  []int64 // postings that can have candidates today
	loadT time.Duration
}

var (
	benchMu       sync.Mutex
	benchFixtures = map[string]*benchFixture{}
)

func fixture(b *testing.B, nP, nS int) *benchFixture { return fixtureOf(b, nP, nS, false) }

// fixtureOf makes Synthetic data, or with blue SyntheticCodes over
// occupation.CommonBlueCollar(): 51 trades in 16 middle groups, where more
// seekers' trades leave their page short.
func fixtureOf(b *testing.B, nP, nS int, blue bool) *benchFixture {
	b.Helper()
	key := fmt.Sprint(nP, "x", nS, blue)
	benchMu.Lock()
	defer benchMu.Unlock()
	if f, ok := benchFixtures[key]; ok {
		return f
	}
	// keep one fixture at a time: the large one takes about a gigabyte
	clear(benchFixtures)
	runtime.GC()
	d := Synthetic(1, nP, nS)
	if blue {
		d = SyntheticCodes(1, nP, nS, occupation.CommonBlueCollar())
	}
	ix := NewIndex()
	start := time.Now()
	if err := ix.Bulk(d.Load); err != nil {
		b.Fatal(err)
	}
	f := &benchFixture{d: d, ix: ix, loadT: time.Since(start)}
	for _, p := range d.Postings {
		if p.Open && p.Remaining() > 0 && (p.ClosingDate == 0 || p.ClosingDate >= d.Now) {
			f.live = append(f.live, p.ID)
		}
	}
	benchFixtures[key] = f
	return f
}

func forSizes(b *testing.B, run func(b *testing.B, f *benchFixture)) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("postings=%d/seekers=%d", sz.postings, sz.seekers), func(b *testing.B) {
			if testing.Short() && sz.seekers > 100_000 {
				b.Skip("large size skipped with -short")
			}
			run(b, fixture(b, sz.postings, sz.seekers))
		})
	}
}

// forSizesBoth runs at both sizes on Synthetic data ("data=synthetic") and
// on the blue-collar trades ("data=blue"); the first is the data of the
// other benchmarks.
func forSizesBoth(b *testing.B, run func(b *testing.B, f *benchFixture)) {
	for _, blue := range []bool{false, true} {
		for _, sz := range benchSizes {
			name := map[bool]string{false: "synthetic", true: "blue"}[blue]
			b.Run(fmt.Sprintf("data=%s/postings=%d/seekers=%d", name, sz.postings, sz.seekers), func(b *testing.B) {
				if testing.Short() && sz.seekers > 100_000 {
					b.Skip("large size skipped with -short")
				}
				run(b, fixtureOf(b, sz.postings, sz.seekers, blue))
			})
		}
	}
}

func BenchmarkRecommend(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(1, 1))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			if _, err := f.ix.Recommend(s, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRecommendByID(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(1, 1))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			if _, err := f.ix.RecommendByID(s.ID, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCandidates(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(2, 2))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := f.ix.Candidates(f.live[r.IntN(len(f.live))], f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportLatency reports the 50th, 99th and 100th percentiles of wall-time
// samples, and the 50th and 99th of thread CPU time (Linux only), which a
// busy machine disturbs much less.
func reportLatency(b *testing.B, wall, cpu []time.Duration) {
	at := func(samples []time.Duration, q float64) float64 {
		slices.Sort(samples)
		i := int(q * float64(len(samples)))
		return float64(samples[min(i, len(samples)-1)].Nanoseconds())
	}
	b.ReportMetric(at(wall, 0.50), "p50-ns")
	b.ReportMetric(at(wall, 0.99), "p99-ns")
	b.ReportMetric(at(wall, 1), "max-ns")
	b.ReportMetric(at(cpu, 0.50), "p50-cpu-ns")
	b.ReportMetric(at(cpu, 0.99), "p99-cpu-ns")
}

// timed runs query b.N times and reports its latency percentiles.
func timed(b *testing.B, query func(i int)) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wall := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0, t0 := threadCPU(), time.Now()
		query(i)
		wall = append(wall, time.Since(t0))
		cpu = append(cpu, threadCPU()-c0)
	}
	b.StopTimer()
	reportLatency(b, wall, cpu)
}

// BenchmarkRecommendLatency times each query on its own, so that p50 and
// p99 show; use -benchtime Nx for N samples.
func BenchmarkRecommendLatency(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(3, 3))
		timed(b, func(int) {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			if _, err := f.ix.Recommend(s, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkCandidatesLatency(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(4, 4))
		timed(b, func(int) {
			id := f.live[r.IntN(len(f.live))]
			if _, err := f.ix.Candidates(id, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndexMemory reports the heap an index takes per posting and per
// seeker (postings and seekers loaded into separate indexes), and the time a
// Bulk load of everything takes. Run it with -benchtime 1x.
func BenchmarkIndexMemory(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("postings=%d/seekers=%d", sz.postings, sz.seekers), func(b *testing.B) {
			if testing.Short() && sz.seekers > 100_000 {
				b.Skip("large size skipped with -short")
			}
			benchMu.Lock()
			clear(benchFixtures)
			benchMu.Unlock()
			d := Synthetic(1, sz.postings, sz.seekers)
			for i := 0; i < b.N; i++ {
				before := heapAlloc()
				pix := NewIndex()
				if err := pix.Bulk(func(bb *Builder) error {
					bb.Grow(len(d.Postings), 0)
					for _, p := range d.Postings {
						if err := bb.UpsertPosting(p); err != nil {
							return err
						}
					}
					for _, v := range d.Villagers {
						if err := bb.SetVillagers(v.EmployerID, v.County, v.N); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				mid := heapAlloc()
				six := NewIndex()
				if err := six.Bulk(func(bb *Builder) error {
					bb.Grow(0, len(d.Seekers))
					for _, s := range d.Seekers {
						if err := bb.UpsertSeeker(s); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				after := heapAlloc()
				b.ReportMetric(float64(mid-before)/float64(len(d.Postings)), "B/posting")
				b.ReportMetric(float64(after-mid)/float64(len(d.Seekers)), "B/seeker")
				b.ReportMetric(float64(after-before)/(1<<20), "index-MiB")
				runtime.KeepAlive(pix)
				runtime.KeepAlive(six)

				all := NewIndex()
				t0, c0 := time.Now(), processCPU()
				if err := all.Bulk(d.Load); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(t0).Seconds(), "load-s")
				b.ReportMetric((processCPU() - c0).Seconds(), "load-cpu-s")
				runtime.KeepAlive(all)
			}
		})
	}
}

// BenchmarkCandidatesLatencyFlatPolicy is the worst case for Candidates:
// with no priority or experience weight every seeker bucket has the same
// bound, nothing is skipped and whole buckets are scanned.
func BenchmarkCandidatesLatencyFlatPolicy(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		flat := DefaultPolicy()
		flat.PoorWeight, flat.TwinnedWeight, flat.Weights.Experience = 0, 0, 0
		if err := f.ix.SetPolicy(flat); err != nil {
			b.Fatal(err)
		}
		defer func() {
			if err := f.ix.SetPolicy(DefaultPolicy()); err != nil {
				b.Fatal(err)
			}
		}()
		r := rand.New(rand.NewPCG(4, 4))
		timed(b, func(int) {
			id := f.live[r.IntN(len(f.live))]
			if _, err := f.ix.Candidates(id, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkAssign runs a match day for 5,000 seekers over the postings of
// three districts, choices capped at 50.
func BenchmarkAssign(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		rg := Region{Districts: syntheticDistricts[:3], MaxChoices: 50}
		for i := 0; i < 5000; i++ {
			rg.SeekerIDs = append(rg.SeekerIDs, f.d.Seekers[i*len(f.d.Seekers)/5000].ID)
		}
		b.ResetTimer()
		var res AssignResult
		for i := 0; i < b.N; i++ {
			var err error
			if res, err = f.ix.Assign(rg, f.d.Now); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(res.Assignments)), "assigned")
	})
}

// BenchmarkRecommendLatencyNoCongestion is the worst case for Recommend:
// with α = 0 no posting can be skipped by its congestion bound.
func BenchmarkRecommendLatencyNoCongestion(b *testing.B) {
	forSizes(b, func(b *testing.B, f *benchFixture) {
		pol := DefaultPolicy()
		pol.CongestionAlpha = 0
		if err := f.ix.SetPolicy(pol); err != nil {
			b.Fatal(err)
		}
		defer func() {
			if err := f.ix.SetPolicy(DefaultPolicy()); err != nil {
				b.Fatal(err)
			}
		}()
		r := rand.New(rand.NewPCG(3, 3))
		timed(b, func(int) {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			if _, err := f.ix.Recommend(s, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkRecommendPageLatency is BenchmarkRecommendLatency through
// RecommendPage (the same seekers in the same order): matches, then
// fallbacks on short pages, and the diagnosis of empty ones. It also
// reports the share of the seekers drawn whose matches fill less than the
// page, and whose page stays empty.
func BenchmarkRecommendPageLatency(b *testing.B) {
	forSizesBoth(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(3, 3))
		var short, empty int
		timed(b, func(int) {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			pg, err := f.ix.RecommendPage(s, f.d.Now, 20, nil)
			if err != nil {
				b.Fatal(err)
			}
			if pg.Direct < 20 {
				short++
			}
			if len(pg.Items) == 0 {
				empty++
			}
		})
		b.ReportMetric(100*float64(short)/float64(b.N), "%short")
		b.ReportMetric(100*float64(empty)/float64(b.N), "%empty")
	})
}

// shortSeekers draws up to n seekers (from the first 200,000) whose matches
// fill less than a page of 20.
func shortSeekers(b *testing.B, f *benchFixture, n int) []Seeker {
	b.Helper()
	var out []Seeker
	for _, s := range f.d.Seekers[:min(len(f.d.Seekers), 200_000)] {
		recs, err := f.ix.Recommend(s, f.d.Now, 20)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) < 20 {
			out = append(out, s)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// BenchmarkRecommendPageLatencyShort times only pages where the fallback
// scan runs: "short", seekers of the data whose matches fill less than the
// page; "none", 2,000 seekers of the data given a trade nobody hires here
// (露天采矿工, whose middle group has no posting and no related group: the
// issue's seekers with an empty list); "empty", those seekers available
// after every posting has started, whose page stays empty and is diagnosed.
func BenchmarkRecommendPageLatencyShort(b *testing.B) {
	forSizesBoth(b, func(b *testing.B, f *benchFixture) {
		for _, variant := range []string{"short", "none", "empty"} {
			b.Run(variant, func(b *testing.B) {
				var ss []Seeker
				if variant == "short" {
					ss = shortSeekers(b, f, 2000)
				} else {
					for i := range 2000 {
						s := f.d.Seekers[i*(len(f.d.Seekers)/2000)]
						s.Trades = []string{"6-16-01-01"}
						if variant == "empty" {
							s.AvailableFrom = f.d.Now + 60
						}
						ss = append(ss, s)
					}
				}
				if len(ss) == 0 {
					b.Skip("no such seeker")
				}
				var empty, also int
				timed(b, func(i int) {
					pg, err := f.ix.RecommendPage(ss[i%len(ss)], f.d.Now, 20, nil)
					if err != nil {
						b.Fatal(err)
					}
					if len(pg.Items) == 0 {
						empty++
					}
					also += len(pg.Items) - pg.Direct
				})
				b.ReportMetric(float64(len(ss)), "seekers")
				b.ReportMetric(100*float64(empty)/float64(b.N), "%empty")
				b.ReportMetric(float64(also)/float64(b.N), "also/op")
			})
		}
	})
}

// BenchmarkCountShort counts, per county, the seekers with fewer than 5
// recommendations over all the seekers of the index (run with -benchtime 1x
// or a few).
func BenchmarkCountShort(b *testing.B) {
	forSizesBoth(b, func(b *testing.B, f *benchFixture) {
		var res []CountyShort
		c0 := processCPU()
		for i := 0; i < b.N; i++ {
			res = f.ix.CountShort(f.d.Now, 5, nil)
		}
		b.StopTimer()
		var seekers, short int
		for _, c := range res {
			seekers += c.Seekers
			short += c.Short
		}
		b.ReportMetric((processCPU()-c0).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(seekers), "seekers")
		b.ReportMetric(100*float64(short)/float64(max(seekers, 1)), "%short")
		b.ReportMetric(float64(len(res)), "counties")
	})
}

// BenchmarkRecommendLatencyBoth is BenchmarkRecommendLatency on both data
// sets, to compare with BenchmarkRecommendPageLatency seeker for seeker.
func BenchmarkRecommendLatencyBoth(b *testing.B) {
	forSizesBoth(b, func(b *testing.B, f *benchFixture) {
		r := rand.New(rand.NewPCG(3, 3))
		timed(b, func(int) {
			s := f.d.Seekers[r.IntN(len(f.d.Seekers))]
			if _, err := f.ix.Recommend(s, f.d.Now, 20); err != nil {
				b.Fatal(err)
			}
		})
	})
}
