package cvrp

import (
	"context"
	"testing"
)

// BenchmarkIteration measures one ruin-and-recreate iteration (with its
// acceptance test) on X-n204-k19, a mid-size instance.
func BenchmarkIteration(b *testing.B) {
	p := mustInstance(b, "X", "X-n204-k19").Problem()
	s := newSolver(p, Options{MaxIterations: 1, Seed: 1})
	if err := s.run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		s.iterate(1)
	}
}

// BenchmarkSolveA80 solves A-n80-k10 for 10,000 iterations.
func BenchmarkSolveA80(b *testing.B) {
	p := mustInstance(b, "A", "A-n80-k10").Problem()
	for b.Loop() {
		if _, err := Solve(context.Background(), p, Options{MaxIterations: 10000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLocalSearch measures the local search (relocate, swap, 2-opt*,
// 2-opt, or-opt to a local optimum) from a greedy-insertion solution of
// X-n204-k19.
func BenchmarkLocalSearch(b *testing.B) {
	p := mustInstance(b, "X", "X-n204-k19").Problem()
	s := newSolver(p, Options{MaxIterations: 1, Seed: 1})
	s.absent = s.absent[:0]
	for c := 1; c < s.n; c++ {
		s.absent = append(s.absent, int32(c))
	}
	s.nextStamp()
	s.recreate(s.cur)
	s.finish(s.cur)
	before := s.cur.dist
	for b.Loop() {
		s.work.copyFrom(s.cur)
		s.localSearch(s.work)
	}
	b.ReportMetric(100*(before-s.work.dist)/before, "%gain")
}
