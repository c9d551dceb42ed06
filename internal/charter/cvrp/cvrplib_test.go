package cvrp

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// dataDir is the shared CVRPLIB folder, beside the repository.
const dataDir = "../../../../shared/data/cvrplib"

type bks struct {
	set, name string
	customers int
	cost      float64
}

func mustIndex(tb testing.TB) []bks {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir, "INDEX.csv"))
	if os.IsNotExist(err) {
		tb.Skipf("no CVRPLIB data at %s", dataDir)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []bks
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[2])
		c, _ := strconv.ParseFloat(r[4], 64)
		out = append(out, bks{r[0], r[1], n, c})
	}
	return out
}

func mustInstance(tb testing.TB, set, name string) *Instance {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir, set, name+".vrp"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	in, err := ParseVRP(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return in
}

func mustSolutionFile(tb testing.TB, set, name string) Solution {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir, set, name+".sol"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	s, err := ParseSolution(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestShippedSolutions parses every shipped instance and best-known
// solution and checks that the solution is feasible and costs the indexed
// best-known cost.
func TestShippedSolutions(t *testing.T) {
	for _, b := range mustIndex(t) {
		t.Run(b.name, func(t *testing.T) {
			in := mustInstance(t, b.set, b.name)
			if in.Dimension != b.customers+1 || in.Name != b.name {
				t.Fatalf("parsed %q with dimension %d, want %q with %d", in.Name, in.Dimension, b.name, b.customers+1)
			}
			p := in.Problem()
			s := mustSolutionFile(t, b.set, b.name)
			if b.name == "B-n50-k8" {
				// The shipped file has a typo: route 3 starts with 2 where 3 is meant.
				if err := s.Check(p); err == nil || !strings.Contains(err.Error(), "customer 2 is visited twice") {
					t.Fatalf("Check of the shipped B-n50-k8.sol = %v, want the known duplicate", err)
				}
				s.Routes[2][0] = 3
			}
			if s.Cost != b.cost {
				t.Errorf("solution file states %v, index says %v", s.Cost, b.cost)
			}
			if b.name == "B-n57-k7" {
				// The shipped routes cost 1155 with nint distances although the
				// file (and CVRPLIB) state 1153; the solver itself finds 1140
				// with 8 vehicles, as the fleet is unlimited here.
				if got := p.TotalCost(s); got != 1155 {
					t.Fatalf("B-n57-k7.sol routes cost %v, want the known 1155", got)
				}
				s.Cost = 1155
			}
			if err := s.Check(p); err != nil {
				t.Fatal(err)
			}
		})
	}
}

const tinyVRP = `NAME : tiny
COMMENT : four nodes
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 0 1.6
DEMAND_SECTION
1 0
2 4
3 5
4 6
DEPOT_SECTION
1
-1
EOF
`

func TestParseTiny(t *testing.T) {
	in, err := ParseVRP(strings.NewReader(tinyVRP))
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "tiny" || in.Dimension != 4 || in.Capacity != 10 || in.Depot != 0 {
		t.Fatalf("header = %+v", in)
	}
	// nint: 5, 10, 1.6 → 2, and 2-4 → hypot(3, 2.4)=3.84 → 4.
	want := [][]float64{{0, 5, 10, 2}, {5, 0, 5, 4}, {10, 5, 0, 9}, {2, 4, 9, 0}}
	for i := range want {
		for j := range want[i] {
			if in.Dist[i][j] != want[i][j] {
				t.Errorf("Dist[%d][%d] = %v, want %v", i, j, in.Dist[i][j], want[i][j])
			}
		}
	}
	p := in.Problem()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Demand[1] != 4 || p.Demand[3] != 6 {
		t.Fatalf("demands %v", p.Demand)
	}
}

func TestParseDepotNotFirst(t *testing.T) {
	src := strings.Replace(tinyVRP, "DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n", 1)
	src = strings.Replace(src, "1 0\n2 4\n", "1 4\n2 0\n", 1)
	in, err := ParseVRP(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	p := in.Problem()
	if p.Demand[0] != 0 || p.Demand[1] != 4 || p.Dist[0][1] != 5 || p.Dist[0][2] != 5 {
		t.Fatalf("problem with depot at node 2: demand %v, dist row %v", p.Demand, p.Dist[0])
	}
}

func explicitVRP(format, weights string) string {
	return "NAME : e\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : " + format +
		"\nCAPACITY : 10\nEDGE_WEIGHT_SECTION\n" + weights +
		"\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 6\nDEPOT_SECTION\n1\n-1\nEOF\n"
}

func TestParseExplicit(t *testing.T) {
	want := [][]float64{{0, 5, 10, 2}, {5, 0, 5, 4}, {10, 5, 0, 9}, {2, 4, 9, 0}}
	for _, tc := range []struct{ format, weights string }{
		{"FULL_MATRIX", "0 5 10 2\n5 0 5 4\n10 5 0 9\n2 4 9 0"},
		{"LOWER_ROW", "5\n10 5\n2 4 9"},
		{"LOWER_DIAG_ROW", "0\n5 0\n10 5 0\n2 4 9 0"},
		{"UPPER_ROW", "5 10 2\n5 4\n9"},
		{"UPPER_DIAG_ROW", "0 5 10 2 0 5 4 0 9 0"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			in, err := ParseVRP(strings.NewReader(explicitVRP(tc.format, tc.weights)))
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				for j := range want[i] {
					if in.Dist[i][j] != want[i][j] {
						t.Fatalf("Dist[%d][%d] = %v, want %v", i, j, in.Dist[i][j], want[i][j])
					}
				}
			}
		})
	}
}

func TestParseVRPErrors(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"no dimension", "DIMENSION : 4\n", "", "missing DIMENSION"},
		{"no capacity", "CAPACITY : 10\n", "", "missing CAPACITY"},
		{"zero capacity", "CAPACITY : 10", "CAPACITY : 0", "CAPACITY must be positive"},
		{"bad capacity", "CAPACITY : 10", "CAPACITY : ten", `CAPACITY: "ten" is not an integer`},
		{"no edge weight type", "EDGE_WEIGHT_TYPE : EUC_2D\n", "", "missing EDGE_WEIGHT_TYPE"},
		{"unknown edge weight type", "EUC_2D", "GEO", `unknown or unsupported EDGE_WEIGHT_TYPE "GEO"`},
		{"wrong type", "TYPE : CVRP", "TYPE : TSP", `TYPE "TSP" is not supported`},
		{"no coords", "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\n4 0 1.6\n", "", "missing NODE_COORD_SECTION"},
		{"no demands", "DEMAND_SECTION\n1 0\n2 4\n3 5\n4 6\n", "", "missing DEMAND_SECTION"},
		{"no depot", "DEPOT_SECTION\n1\n-1\n", "", "missing DEPOT_SECTION"},
		{"depot not terminated", "1\n-1\nEOF", "1\nEOF", "not terminated by -1"},
		{"two depots", "DEPOT_SECTION\n1\n", "DEPOT_SECTION\n1 2\n", "only one is supported"},
		{"depot out of range", "DEPOT_SECTION\n1\n", "DEPOT_SECTION\n9\n", "node 9 is outside 1..4"},
		{"demand above capacity", "3 5\n4 6", "3 11\n4 6", "node 3 has demand 11 above the capacity 10"},
		{"negative demand", "3 5\n4 6", "3 -5\n4 6", "node 3 has a negative demand -5"},
		{"depot demand", "1 0\n2 4", "1 1\n2 4", "the depot (node 1) has demand 1"},
		{"fractional demand", "3 5\n4 6", "3 5.5\n4 6", "not an integer"},
		{"too few coords", "4 0 1.6\n", "", "NODE_COORD_SECTION (line 7): dimension mismatch: 3 rows, DIMENSION is 4"},
		{"dimension too big", "DIMENSION : 4", "DIMENSION : 5", "dimension mismatch"},
		{"dimension too small", "DIMENSION : 4", "DIMENSION : 1", "DIMENSION must be at least 2"},
		{"ragged coords", "4 0 1.6\n", "4 0\n", "do not make rows of 3"},
		{"duplicate node", "4 0 1.6\n", "3 0 1.6\n", "node 3 appears twice"},
		{"bad number", "4 0 1.6\n", "4 0 x\n", `node 4: "x" is not a number`},
		{"unknown section", "DEPOT_SECTION", "FOO_SECTION", "unknown section FOO_SECTION"},
		{"duplicate key", "CAPACITY : 10\n", "CAPACITY : 10\nCAPACITY : 10\n", "CAPACITY appears twice"},
		{"stray data", "NAME : tiny\n", "NAME : tiny\n1 2 3\n", "outside a section"},
		{"no colon", "NAME : tiny", "NAME tiny", `expected "NAME : value"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(tinyVRP, tc.old, tc.new, 1)
			if src == tinyVRP {
				t.Fatalf("test case does not change the input")
			}
			_, err := ParseVRP(strings.NewReader(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseVRP error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseExplicitErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no format", strings.Replace(explicitVRP("LOWER_ROW", "5 10 5 2 4 9"), "EDGE_WEIGHT_FORMAT : LOWER_ROW\n", "", 1), "missing EDGE_WEIGHT_FORMAT"},
		{"unknown format", explicitVRP("FUNCTION", "5"), `unsupported EDGE_WEIGHT_FORMAT "FUNCTION"`},
		{"short", explicitVRP("LOWER_ROW", "5 10 5 2 4"), "dimension mismatch: 5 weights, LOWER_ROW of DIMENSION 4 needs 6"},
		{"negative", explicitVRP("LOWER_ROW", "5 10 5 2 4 -9"), "not a non-negative number"},
		{"no section", strings.Replace(explicitVRP("LOWER_ROW", ""), "EDGE_WEIGHT_SECTION\n", "", 1), "missing EDGE_WEIGHT_SECTION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseVRP(strings.NewReader(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseVRP error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestSolutionRoundTrip(t *testing.T) {
	s := Solution{Routes: [][]int{{3, 1}, {}, {2}}, Cost: 17}
	var buf bytes.Buffer
	if err := WriteSolution(&buf, s, 17); err != nil {
		t.Fatal(err)
	}
	want := "Route #1: 3 1\nRoute #2: 2\nCost 17\n"
	if buf.String() != want {
		t.Fatalf("WriteSolution wrote %q, want %q", buf.String(), want)
	}
	got, err := ParseSolution(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Routes) != 2 || got.Routes[0][0] != 3 || got.Routes[1][0] != 2 || got.Cost != 17 {
		t.Fatalf("ParseSolution = %+v", got)
	}
}

func TestParseSolutionErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "no routes"},
		{"no cost", "Route #1: 1 2\n", "no Cost line"},
		{"bad customer", "Route #1: 1 x\nCost 3\n", `"x" is not a customer number`},
		{"zero customer", "Route #1: 0 1\nCost 3\n", `"0" is not a customer number`},
		{"no colon", "Route #1 1 2\nCost 3\n", "route without ':'"},
		{"bad cost", "Route #1: 1\nCost abc\n", `cost "abc" is not a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSolution(strings.NewReader(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseSolution error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
