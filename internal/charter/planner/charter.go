// Package planner plans point-to-point charters (点对点包车): which buses
// collect which employer sites' riders, in what order, and on which seats.
// It is pure: no I/O, no tables; the charter system (package charter) reads
// its input from the database and writes its output.
//
// The routing itself is a capacitated vehicle-routing problem solved by the
// pure package charter/cvrp; this package re-exports its API for the rest
// of the product and adds the distance model (great-circle kilometres times
// a road factor) and the CVRPLIB one-call entry point used by the CLI.
package planner

import (
	"context"
	"fmt"
	"io"
	"math"

	"easyjob/internal/charter/cvrp"
)

// Problem is one routing problem: node 0 is the depot (the origin station),
// nodes 1..n the employer sites with their riders as demand. See cvrp.Problem.
type Problem = cvrp.Problem

// Solution is a set of routes over Problem nodes. See cvrp.Solution.
type Solution = cvrp.Solution

// Options bounds a solver run (time limit, iteration limit, seed).
type Options = cvrp.Options

// Instance is a parsed CVRPLIB instance.
type Instance = cvrp.Instance

// Solve runs the CVRP solver; see cvrp.Solve. For charters set
// p.MinimiseVehicles so that the fewest buses come first.
func Solve(ctx context.Context, p Problem, opt Options) (Solution, error) {
	return cvrp.Solve(ctx, p, opt)
}

// ParseVRP reads a CVRPLIB .vrp instance; see cvrp.ParseVRP.
func ParseVRP(r io.Reader) (*Instance, error) { return cvrp.ParseVRP(r) }

// ParseSolution reads a CVRPLIB .sol file; see cvrp.ParseSolution.
func ParseSolution(r io.Reader) (Solution, error) { return cvrp.ParseSolution(r) }

// WriteSolution writes s in CVRPLIB .sol format with the given cost.
func WriteSolution(w io.Writer, s Solution, cost int) error {
	return cvrp.WriteSolution(w, s, cost)
}

// SolveCVRPLIB reads a .vrp instance from r, solves it with the CVRPLIB
// objective (total distance, vehicles unlimited) and writes the .sol to w.
func SolveCVRPLIB(ctx context.Context, r io.Reader, w io.Writer, opt Options) error {
	in, err := cvrp.ParseVRP(r)
	if err != nil {
		return err
	}
	p := in.Problem()
	s, err := cvrp.Solve(ctx, p, opt)
	if err != nil {
		return err
	}
	if err := s.Check(p); err != nil {
		return fmt.Errorf("charter: solver returned an infeasible solution: %w", err)
	}
	return cvrp.WriteSolution(w, s, int(math.Round(s.Cost)))
}

// Point is a WGS-84 position in degrees.
type Point struct{ Lat, Lng float64 }

// Distance estimates the travel distance in kilometres between two points.
// The solver itself only sees the matrix that Matrix builds from it.
type Distance interface {
	Km(from, to Point) float64
}

// RoadFactor is a Distance: the great-circle distance times the factor
// (road distance is typically 1.2–1.4 times the straight line).
type RoadFactor float64

// DefaultRoadFactor is the road factor used when none is configured.
const DefaultRoadFactor RoadFactor = 1.3

// Km implements Distance.
func (f RoadFactor) Km(from, to Point) float64 { return float64(f) * GreatCircleKm(from, to) }

// earthRadiusKm is the mean Earth radius.
const earthRadiusKm = 6371.0088

// GreatCircleKm returns the haversine distance between a and b in km.
func GreatCircleKm(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Matrix returns the distance matrix between points with d; points[0]
// should be the depot so that the matrix is ready for Problem.Dist.
func Matrix(d Distance, points []Point) [][]float64 {
	m := make([][]float64, len(points))
	for i := range points {
		m[i] = make([]float64, len(points))
		for j := range points {
			if i != j {
				m[i][j] = d.Km(points[i], points[j])
			}
		}
	}
	return m
}
