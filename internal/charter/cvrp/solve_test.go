package cvrp

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// lineProblem has customers on a line at 1..n km from the depot.
func lineProblem(demands []int, capacity int) Problem {
	n := len(demands) + 1
	p := Problem{Dist: make([][]float64, n), Demand: append([]int{0}, demands...), Capacity: capacity}
	for i := range p.Dist {
		p.Dist[i] = make([]float64, n)
		for j := range p.Dist[i] {
			p.Dist[i][j] = math.Abs(float64(i - j))
		}
	}
	return p
}

func TestValidateErrors(t *testing.T) {
	base := func() Problem { return lineProblem([]int{3, 4, 5}, 10) }
	for _, tc := range []struct {
		name string
		edit func(*Problem)
		want string
	}{
		{"no nodes", func(p *Problem) { p.Demand = nil }, "no nodes"},
		{"zero capacity", func(p *Problem) { p.Capacity = 0 }, "capacity must be positive, got 0"},
		{"negative stops", func(p *Problem) { p.MaxStops = -1 }, "stop limit"},
		{"short matrix", func(p *Problem) { p.Dist = p.Dist[:3] }, "dimension mismatch: 4 demands but a 3-row distance matrix"},
		{"ragged matrix", func(p *Problem) { p.Dist[2] = p.Dist[2][:2] }, "distance row 2 has 2 entries, want 4"},
		{"depot demand", func(p *Problem) { p.Demand[0] = 1 }, "depot (node 0) must have demand 0"},
		{"negative demand", func(p *Problem) { p.Demand[2] = -1 }, "customer 2 has a negative demand -1"},
		{"demand above capacity", func(p *Problem) { p.Demand[3] = 11 }, "customer 3 has demand 11 above the vehicle capacity 10; split it upstream"},
		{"NaN distance", func(p *Problem) { p.Dist[1][2] = math.NaN() }, "distance from 1 to 2 is NaN"},
		{"negative distance", func(p *Problem) { p.Dist[1][2] = -1 }, "distance from 1 to 2 is -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want it to contain %q", err, tc.want)
			}
			if _, err := Solve(context.Background(), p, Options{MaxIterations: 10}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Solve error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	p := lineProblem([]int{3, 4, 5}, 10)
	p.MaxStops = 2
	for _, tc := range []struct {
		name string
		s    Solution
		want string
	}{
		{"ok", Solution{Routes: [][]int{{1, 2}, {3}}, Cost: 10}, ""},
		{"missing", Solution{Routes: [][]int{{1, 2}}, Cost: 4}, "customer 3 is not visited"},
		{"twice", Solution{Routes: [][]int{{1, 2}, {3, 1}}, Cost: 12}, "customer 1 is visited twice (routes 1 and 2)"},
		{"depot", Solution{Routes: [][]int{{1, 2}, {0, 3}}, Cost: 10}, "route 2 visits node 0"},
		{"out of range", Solution{Routes: [][]int{{1, 2}, {3, 4}}, Cost: 10}, "route 2 visits node 4"},
		{"capacity", Solution{Routes: [][]int{{1}, {2, 3}}, Cost: 8}, "route 2 carries 9, above the capacity 8"},
		{"stops", Solution{Routes: [][]int{{3, 2, 1}}, Cost: 6}, "route 1 has 3 stops, above the limit 2"},
		{"cost", Solution{Routes: [][]int{{1, 2}, {3}}, Cost: 9}, "states cost 9 but its routes cost 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := p
			switch tc.name {
			case "capacity":
				p.Capacity = 8
			case "stops":
				p.Capacity = 12
			}
			err := tc.s.Check(p)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func mustSolve(tb testing.TB, p Problem, opt Options) Solution {
	tb.Helper()
	s, err := Solve(context.Background(), p, opt)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Check(p); err != nil {
		tb.Fatalf("infeasible solution %v: %v", s.Routes, err)
	}
	return s
}

func TestSolveLine(t *testing.T) {
	// Customers at 1..6 km, 3 riders each, buses of 9: optimal is two
	// routes {4,5,6} (12 km) and {1,2,3} (6 km).
	p := lineProblem([]int{3, 3, 3, 3, 3, 3}, 9)
	s := mustSolve(t, p, Options{MaxIterations: 2000, Seed: 1})
	if s.Cost != 18 || s.Vehicles() != 2 {
		t.Fatalf("got %v (cost %v), want 2 routes costing 18", s.Routes, s.Cost)
	}
	p.MaxStops = 2
	s = mustSolve(t, p, Options{MaxIterations: 2000, Seed: 1})
	if s.Cost != 4+8+12 || s.Vehicles() != 3 {
		t.Fatalf("with 2 stops got %v (cost %v), want 3 routes costing 24", s.Routes, s.Cost)
	}
}

func TestSolveEmptyAndSingle(t *testing.T) {
	s := mustSolve(t, lineProblem(nil, 5), Options{})
	if len(s.Routes) != 0 || s.Cost != 0 {
		t.Fatalf("empty problem gave %+v", s)
	}
	s = mustSolve(t, lineProblem([]int{5}, 5), Options{MaxIterations: 10})
	if len(s.Routes) != 1 || s.Cost != 2 {
		t.Fatalf("one customer gave %+v", s)
	}
}

// TestMinimiseVehicles uses a star where serving the two far customers
// alone is shorter but needs a third bus.
func TestMinimiseVehicles(t *testing.T) {
	// Node 1 and 2 are close to the depot, 3 and 4 far apart from each other.
	pts := [][2]float64{{0, 0}, {1, 0}, {-1, 0}, {0, 10}, {0, -10}}
	n := len(pts)
	p := Problem{Dist: make([][]float64, n), Demand: []int{0, 2, 2, 2, 2}, Capacity: 4}
	for i := range pts {
		p.Dist[i] = make([]float64, n)
		for j := range pts {
			p.Dist[i][j] = math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1])
		}
	}
	free := mustSolve(t, p, Options{MaxIterations: 3000, Seed: 3})
	p.MinimiseVehicles = true
	lex := mustSolve(t, p, Options{MaxIterations: 3000, Seed: 3})
	if lex.Vehicles() != 2 {
		t.Fatalf("lexicographic objective gave %d vehicles: %v", lex.Vehicles(), lex.Routes)
	}
	if free.Cost > lex.Cost+1e-9 {
		t.Fatalf("distance-only objective cost %v, above the lexicographic %v", free.Cost, lex.Cost)
	}
}

func TestSolveDeterministic(t *testing.T) {
	in := mustInstance(t, "A", "A-n45-k7")
	p := in.Problem()
	opt := Options{MaxIterations: 3000, Seed: 42}
	a := mustSolve(t, p, opt)
	b := mustSolve(t, p, opt)
	if a.Cost != b.Cost || len(a.Routes) != len(b.Routes) {
		t.Fatalf("two runs with one seed differ: %v and %v", a.Cost, b.Cost)
	}
	for i := range a.Routes {
		for j := range a.Routes[i] {
			if a.Routes[i][j] != b.Routes[i][j] {
				t.Fatalf("two runs with one seed differ in route %d", i)
			}
		}
	}
}

func TestSolveCancelled(t *testing.T) {
	in := mustInstance(t, "A", "A-n80-k10")
	p := in.Problem()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Solve(ctx, p, Options{TimeLimit: time.Hour})
	if err != context.Canceled {
		t.Fatalf("Solve on a cancelled context: err = %v", err)
	}
	if err := s.Check(p); err != nil {
		t.Fatalf("the solution returned on cancel is not feasible: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Solve(ctx, p, Options{TimeLimit: time.Hour}); err != context.DeadlineExceeded {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Solve took %v to notice the deadline", d)
	}
}

// TestSolveShipped solves shipped instances and checks feasibility and the
// gap to the optimum: in -short mode a few for 20,000 iterations and one for
// 100 ms (feasibility only); all of A and B for 100,000 iterations each
// otherwise (about 500 ms on an idle machine). The budgets that decide a
// gap are iterations, not time, so the result does not depend on how busy
// the machine is.
func TestSolveShipped(t *testing.T) {
	opt, maxGap := Options{MaxIterations: 100000, Seed: 1}, 2.0
	pick := func(b bks) bool { return b.set == "A" || b.set == "B" }
	if testing.Short() {
		opt, maxGap = Options{MaxIterations: 20000, Seed: 1}, 3.0
		pick = func(b bks) bool {
			switch b.name {
			case "A-n32-k5", "A-n63-k10", "B-n45-k5", "B-n78-k10", "X-n101-k25":
				return true
			}
			return false
		}
		p := mustInstance(t, "A", "A-n80-k10").Problem()
		mustSolve(t, p, Options{TimeLimit: 100 * time.Millisecond, Seed: 1})
	}
	sum, count := 0.0, 0
	for _, b := range mustIndex(t) {
		if !pick(b) {
			continue
		}
		p := mustInstance(t, b.set, b.name).Problem()
		s := mustSolve(t, p, opt)
		gap := 100 * (s.Cost - b.cost) / b.cost
		t.Logf("%s: cost %v, best known %v, gap %.2f%%", b.name, s.Cost, b.cost, gap)
		if gap > maxGap {
			t.Errorf("%s: gap %.2f%% above %.1f%%", b.name, gap, maxGap)
		}
		sum += gap
		count++
	}
	if !testing.Short() && sum/float64(count) > 0.5 {
		t.Errorf("mean gap %.2f%% over %d instances, above 0.5%%", sum/float64(count), count)
	}
}

// TestSolveProperty checks on random problems that every solution is
// feasible and never uses fewer vehicles than the demand needs.
func TestSolveProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 25).Draw(t, "customers")
		capacity := rapid.IntRange(1, 40).Draw(t, "capacity")
		pts := make([][2]float64, n+1)
		demand := make([]int, n+1)
		total := 0
		for i := range pts {
			pts[i] = [2]float64{rapid.Float64Range(0, 100).Draw(t, "x"), rapid.Float64Range(0, 100).Draw(t, "y")}
			if i > 0 {
				demand[i] = rapid.IntRange(0, capacity).Draw(t, "demand")
				total += demand[i]
			}
		}
		p := Problem{Dist: make([][]float64, n+1), Demand: demand, Capacity: capacity,
			MaxStops:         rapid.IntRange(0, 5).Draw(t, "maxStops"),
			MinimiseVehicles: rapid.Bool().Draw(t, "minVehicles")}
		for i := range pts {
			p.Dist[i] = make([]float64, n+1)
			for j := range pts {
				p.Dist[i][j] = math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1])
			}
		}
		s, err := Solve(context.Background(), p, Options{MaxIterations: 300, Seed: rapid.Int64().Draw(t, "seed")})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Check(p); err != nil {
			t.Fatalf("infeasible: %v (%v)", err, s.Routes)
		}
		if lb := (total + capacity - 1) / capacity; s.Vehicles() < lb {
			t.Fatalf("%d vehicles carry %d riders in buses of %d", s.Vehicles(), total, capacity)
		}
	})
}

// TestMinimiseVehiclesPacking needs a perfect packing (6+4, 7+3, 5+5 in
// buses of 10) to use three buses; the sites are placed so that the
// shortest routes pair them differently.
func TestMinimiseVehiclesPacking(t *testing.T) {
	pts := [][2]float64{{0, 0}, {10, 0}, {-10, 0}, {10, 1}, {-10, 1}, {0, 10}, {0, -10}}
	n := len(pts)
	p := Problem{Dist: make([][]float64, n), Demand: []int{0, 6, 4, 7, 3, 5, 5}, Capacity: 10, MinimiseVehicles: true}
	for i := range pts {
		p.Dist[i] = make([]float64, n)
		for j := range pts {
			p.Dist[i][j] = math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1])
		}
	}
	for seed := int64(1); seed <= 5; seed++ {
		s := mustSolve(t, p, Options{MaxIterations: 3000, Seed: seed})
		if s.Vehicles() != 3 {
			t.Fatalf("seed %d: %d vehicles %v, want 3", seed, s.Vehicles(), s.Routes)
		}
	}
}
