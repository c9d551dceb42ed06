package planner_test

import (
	"context"
	"fmt"

	"easyjob/internal/charter/planner"
)

// Plan buses from a station to four employer sites: 85 riders in 45-seat
// buses, fewest buses first.
func ExampleSolve() {
	sites := []planner.Point{
		{Lat: 22.54, Lng: 114.06}, // the depot: where the riders arrive
		{Lat: 22.55, Lng: 113.90}, {Lat: 22.56, Lng: 113.88},
		{Lat: 22.72, Lng: 114.25}, {Lat: 22.70, Lng: 114.27},
	}
	p := planner.Problem{
		Dist:             planner.Matrix(planner.DefaultRoadFactor, sites),
		Demand:           []int{0, 30, 10, 20, 25},
		Capacity:         45,
		MinimiseVehicles: true,
	}
	s, err := planner.Solve(context.Background(), p, planner.Options{MaxIterations: 1000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("buses:", s.Vehicles())
	// Output: buses: 2
}
