package planner

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"
)

func TestGreatCircleKm(t *testing.T) {
	// Shenzhen (Futian) to Baise: about 600 km as the crow flies.
	sz := Point{Lat: 22.5431, Lng: 114.0579}
	bs := Point{Lat: 23.9025, Lng: 106.6180}
	if d := GreatCircleKm(sz, bs); d < 740 || d > 790 {
		t.Fatalf("Shenzhen–Baise = %.0f km, want about 770", d)
	}
	if d := GreatCircleKm(sz, sz); d != 0 {
		t.Fatalf("distance to itself = %v", d)
	}
	m := Matrix(DefaultRoadFactor, []Point{sz, bs})
	if math.Abs(m[0][1]-1.3*GreatCircleKm(sz, bs)) > 1e-9 || m[0][1] != m[1][0] || m[0][0] != 0 {
		t.Fatalf("Matrix = %v", m)
	}
}

func TestSolveCharters(t *testing.T) {
	// A station and four employer sites in Shenzhen; 45-seat buses.
	pts := []Point{
		{22.54, 114.06}, {22.55, 113.90}, {22.56, 113.88}, {22.72, 114.25}, {22.70, 114.27},
	}
	p := Problem{Dist: Matrix(DefaultRoadFactor, pts), Demand: []int{0, 30, 10, 20, 25}, Capacity: 45, MinimiseVehicles: true}
	s, err := Solve(context.Background(), p, Options{MaxIterations: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(p); err != nil {
		t.Fatal(err)
	}
	if s.Vehicles() != 2 {
		t.Fatalf("85 riders in 45-seat buses took %d buses: %v", s.Vehicles(), s.Routes)
	}
	p.Demand[1] = 46
	if _, err := Solve(context.Background(), p, Options{MaxIterations: 10}); err == nil || !strings.Contains(err.Error(), "split it upstream") {
		t.Fatalf("a site above the bus capacity gave %v", err)
	}
}

func TestSolveCVRPLIB(t *testing.T) {
	f, err := os.Open("../../../../shared/data/cvrplib/A/A-n32-k5.vrp")
	if os.IsNotExist(err) {
		t.Skip("no CVRPLIB data")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := SolveCVRPLIB(context.Background(), f, &out, Options{MaxIterations: 40000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	s, err := ParseSolution(&out)
	if err != nil {
		t.Fatalf("%v in\n%s", err, out.String())
	}
	if s.Cost < 784 || s.Cost > 800 {
		t.Fatalf("A-n32-k5 solved at %v, optimum 784", s.Cost)
	}
	if err := SolveCVRPLIB(context.Background(), strings.NewReader("NAME : x\n"), &out, Options{}); err == nil {
		t.Fatal("a broken instance gave no error")
	}
}
