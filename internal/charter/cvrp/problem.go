// Package cvrp solves the capacitated vehicle-routing problem (CVRP) and
// reads and writes the CVRPLIB file formats.
//
// The solver is pure: it does no I/O, reads no clock other than to honour
// its time limit, and is deterministic for a given seed and iteration limit.
// Only the CVRPLIB reader and writer touch data, and only through io.Reader
// and io.Writer.
//
// Distances are given as a full matrix (Problem.Dist) with node 0 the depot
// and nodes 1..n the customers. The matrix need not be symmetric, but the
// solver's moves assume it is roughly so; the product fills it with
// great-circle kilometres times a road factor, and CVRPLIB instances with
// TSPLIB-rounded Euclidean distances.
package cvrp

import (
	"errors"
	"fmt"
	"math"
)

// Problem is one capacitated vehicle-routing problem.
type Problem struct {
	// Dist is the (n+1)×(n+1) distance matrix; node 0 is the depot.
	Dist [][]float64
	// Demand has one entry per node; Demand[0] (the depot) must be 0.
	// For charters a customer is an employer site and its demand the number
	// of riders; a group that travels together is one unit upstream.
	Demand []int
	// Capacity is the capacity of every vehicle (seats); it must be > 0
	// and at least every demand: a larger site must be split upstream.
	Capacity int
	// MaxStops limits the number of customers on one route; 0 means no limit.
	MaxStops int
	// MinimiseVehicles makes the objective lexicographic: fewest routes
	// first, then least total distance. When false (CVRPLIB benchmarking)
	// the objective is the total distance only and vehicles are unlimited.
	MinimiseVehicles bool
}

// Solution is a set of routes. Each route lists customer nodes (1..n) in
// visiting order; the depot is implicit at both ends.
type Solution struct {
	Routes [][]int
	// Cost is the total distance of the routes.
	Cost float64
}

// Vehicles returns the number of non-empty routes.
func (s Solution) Vehicles() int {
	v := 0
	for _, r := range s.Routes {
		if len(r) > 0 {
			v++
		}
	}
	return v
}

// Customers returns the number of customers of p (nodes other than the depot).
func (p Problem) Customers() int {
	if len(p.Demand) == 0 {
		return 0
	}
	return len(p.Demand) - 1
}

// Validate reports the first problem found with p, or nil.
func (p Problem) Validate() error {
	n := len(p.Demand)
	switch {
	case n == 0:
		return errors.New("cvrp: no nodes: Demand must at least hold the depot")
	case p.Capacity <= 0:
		return fmt.Errorf("cvrp: capacity must be positive, got %d", p.Capacity)
	case p.MaxStops < 0:
		return fmt.Errorf("cvrp: stop limit must be 0 (none) or positive, got %d", p.MaxStops)
	case len(p.Dist) != n:
		return fmt.Errorf("cvrp: dimension mismatch: %d demands but a %d-row distance matrix", n, len(p.Dist))
	case p.Demand[0] != 0:
		return fmt.Errorf("cvrp: the depot (node 0) must have demand 0, got %d", p.Demand[0])
	}
	for i, row := range p.Dist {
		if len(row) != n {
			return fmt.Errorf("cvrp: dimension mismatch: distance row %d has %d entries, want %d", i, len(row), n)
		}
		for j, d := range row {
			if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
				return fmt.Errorf("cvrp: distance from %d to %d is %v; want a finite non-negative number", i, j, d)
			}
		}
	}
	for i := 1; i < n; i++ {
		d := p.Demand[i]
		if d < 0 {
			return fmt.Errorf("cvrp: customer %d has a negative demand %d", i, d)
		}
		if d > p.Capacity {
			return fmt.Errorf("cvrp: customer %d has demand %d above the vehicle capacity %d; split it upstream", i, d, p.Capacity)
		}
	}
	return nil
}

// RouteCost returns the length of one route, depot to depot.
func (p Problem) RouteCost(route []int) float64 {
	if len(route) == 0 {
		return 0
	}
	c, prev := 0.0, 0
	for _, v := range route {
		c += p.Dist[prev][v]
		prev = v
	}
	return c + p.Dist[prev][0]
}

// TotalCost returns the total length of the routes of s (ignoring s.Cost).
func (p Problem) TotalCost(s Solution) float64 {
	c := 0.0
	for _, r := range s.Routes {
		c += p.RouteCost(r)
	}
	return c
}

// Check reports whether s is a feasible solution of p: every customer
// visited exactly once, no route above capacity or the stop limit, and
// s.Cost equal to the routes' length (to a relative 1e-9).
func (s Solution) Check(p Problem) error {
	if err := p.Validate(); err != nil {
		return err
	}
	n := len(p.Demand)
	seen := make([]int, n) // route number (1-based) that visits the node
	for ri, r := range s.Routes {
		load := 0
		for _, v := range r {
			if v <= 0 || v >= n {
				return fmt.Errorf("cvrp: route %d visits node %d, not a customer (1..%d)", ri+1, v, n-1)
			}
			if seen[v] != 0 {
				return fmt.Errorf("cvrp: customer %d is visited twice (routes %d and %d)", v, seen[v], ri+1)
			}
			seen[v] = ri + 1
			load += p.Demand[v]
		}
		if load > p.Capacity {
			return fmt.Errorf("cvrp: route %d carries %d, above the capacity %d", ri+1, load, p.Capacity)
		}
		if p.MaxStops > 0 && len(r) > p.MaxStops {
			return fmt.Errorf("cvrp: route %d has %d stops, above the limit %d", ri+1, len(r), p.MaxStops)
		}
	}
	for v := 1; v < n; v++ {
		if seen[v] == 0 {
			return fmt.Errorf("cvrp: customer %d is not visited", v)
		}
	}
	want := p.TotalCost(s)
	if math.Abs(want-s.Cost) > 1e-9*math.Max(1, math.Abs(want)) {
		return fmt.Errorf("cvrp: solution states cost %v but its routes cost %v", s.Cost, want)
	}
	return nil
}
