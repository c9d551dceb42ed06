package cvrp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Instance is a CVRPLIB (TSPLIB-style) .vrp instance.
type Instance struct {
	Name             string
	Comment          string
	Dimension        int // number of nodes, depot included
	Capacity         int
	EdgeWeightType   string // EUC_2D or EXPLICIT
	EdgeWeightFormat string // for EXPLICIT: FULL_MATRIX, LOWER_ROW, ...
	// Coords holds the node coordinates in file order (node k at index k-1);
	// nil when an EXPLICIT instance has none.
	Coords [][2]float64
	// Demand holds the demands in file order (node k at index k-1).
	Demand []int
	// Depot is the depot's index in file order (0 for node 1).
	Depot int
	// Dist is the distance matrix in file order; EUC_2D distances are
	// rounded to the nearest integer (TSPLIB nint).
	Dist [][]float64
}

// Problem returns the instance as a Problem: the depot becomes node 0 and
// the other nodes follow in file order, so with the usual depot (node 1)
// Problem node c is .vrp node c+1, which is how .sol files number customers.
// MinimiseVehicles is false and MaxStops 0: CVRPLIB counts distance only.
func (in *Instance) Problem() Problem {
	order := in.order()
	n := len(order)
	p := Problem{Dist: make([][]float64, n), Demand: make([]int, n), Capacity: in.Capacity}
	for i, a := range order {
		p.Demand[i] = in.Demand[a]
		row := make([]float64, n)
		for j, b := range order {
			row[j] = in.Dist[a][b]
		}
		p.Dist[i] = row
	}
	return p
}

func (in *Instance) order() []int {
	order := make([]int, 0, in.Dimension)
	order = append(order, in.Depot)
	for i := 0; i < in.Dimension; i++ {
		if i != in.Depot {
			order = append(order, i)
		}
	}
	return order
}

// ParseVRP reads a CVRPLIB .vrp instance. It supports TYPE CVRP with
// EDGE_WEIGHT_TYPE EUC_2D (NODE_COORD_SECTION) or EXPLICIT with
// EDGE_WEIGHT_FORMAT FULL_MATRIX, LOWER_ROW, LOWER_DIAG_ROW, UPPER_ROW or
// UPPER_DIAG_ROW (EDGE_WEIGHT_SECTION), a DEMAND_SECTION and a
// DEPOT_SECTION with a single depot.
func ParseVRP(r io.Reader) (*Instance, error) {
	p := vrpParser{in: &Instance{Depot: -1}}
	if err := p.run(r); err != nil {
		return nil, err
	}
	return p.in, nil
}

type vrpParser struct {
	in   *Instance
	line int
	seen map[string]bool
}

func (p *vrpParser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("cvrplib: line %d: %s", line, fmt.Sprintf(format, args...))
}

var knownSections = map[string]bool{
	"NODE_COORD_SECTION": true, "DEMAND_SECTION": true, "DEPOT_SECTION": true,
	"EDGE_WEIGHT_SECTION": true, "DISPLAY_DATA_SECTION": true,
}

func (p *vrpParser) run(r io.Reader) error {
	in := p.in
	p.seen = map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	sections := map[string][]string{}
	sectionLine := map[string]int{}
	cur := ""
	sawEOF := false
	for sc.Scan() {
		p.line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if text == "EOF" {
			sawEOF = true
			break
		}
		first := text
		if i := strings.IndexAny(text, " \t:"); i >= 0 {
			first = text[:i]
		}
		if isKeyword(first) {
			key := first
			if strings.HasSuffix(key, "_SECTION") {
				if !knownSections[key] {
					return p.errorf(p.line, "unknown section %s", key)
				}
				if _, dup := sections[key]; dup {
					return p.errorf(p.line, "%s appears twice", key)
				}
				cur = key
				sections[key] = []string{}
				sectionLine[key] = p.line
				// Numbers may follow on the same line.
				rest := strings.TrimSpace(strings.TrimPrefix(text[len(key):], ":"))
				sections[key] = append(sections[key], strings.Fields(rest)...)
				continue
			}
			cur = ""
			val := strings.TrimSpace(text[len(first):])
			if !strings.HasPrefix(val, ":") {
				return p.errorf(p.line, "expected \"%s : value\"", key)
			}
			val = strings.TrimSpace(val[1:])
			if err := p.header(key, val); err != nil {
				return err
			}
			continue
		}
		if cur == "" {
			return p.errorf(p.line, "unexpected data %q outside a section", truncate(text))
		}
		sections[cur] = append(sections[cur], strings.Fields(text)...)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("cvrplib: reading: %w", err)
	}
	_ = sawEOF // EOF is optional in practice
	// Header checks.
	if in.Dimension == 0 {
		return errors.New("cvrplib: missing DIMENSION")
	}
	if !p.seen["CAPACITY"] {
		return errors.New("cvrplib: missing CAPACITY")
	}
	if in.Capacity <= 0 {
		return fmt.Errorf("cvrplib: CAPACITY must be positive, got %d", in.Capacity)
	}
	if in.EdgeWeightType == "" {
		return errors.New("cvrplib: missing EDGE_WEIGHT_TYPE")
	}
	n := in.Dimension
	// Coordinates.
	if toks, ok := sections["NODE_COORD_SECTION"]; ok {
		coords, err := p.nodeTable(toks, sectionLine["NODE_COORD_SECTION"], "NODE_COORD_SECTION", 2)
		if err != nil {
			return err
		}
		in.Coords = make([][2]float64, n)
		for i, c := range coords {
			in.Coords[i] = [2]float64{c[0], c[1]}
		}
	}
	// Distances.
	switch in.EdgeWeightType {
	case "EUC_2D":
		if in.Coords == nil {
			return errors.New("cvrplib: missing NODE_COORD_SECTION (required by EDGE_WEIGHT_TYPE EUC_2D)")
		}
		in.Dist = make([][]float64, n)
		for i := range in.Dist {
			in.Dist[i] = make([]float64, n)
			for j := range in.Dist[i] {
				dx := in.Coords[i][0] - in.Coords[j][0]
				dy := in.Coords[i][1] - in.Coords[j][1]
				in.Dist[i][j] = math.Floor(math.Sqrt(dx*dx+dy*dy) + 0.5)
			}
		}
	case "EXPLICIT":
		toks, ok := sections["EDGE_WEIGHT_SECTION"]
		if !ok {
			return errors.New("cvrplib: missing EDGE_WEIGHT_SECTION (required by EDGE_WEIGHT_TYPE EXPLICIT)")
		}
		if err := p.explicit(toks, sectionLine["EDGE_WEIGHT_SECTION"]); err != nil {
			return err
		}
	}
	// Demands.
	toks, ok := sections["DEMAND_SECTION"]
	if !ok {
		return errors.New("cvrplib: missing DEMAND_SECTION")
	}
	dem, err := p.nodeTable(toks, sectionLine["DEMAND_SECTION"], "DEMAND_SECTION", 1)
	if err != nil {
		return err
	}
	in.Demand = make([]int, n)
	for i, d := range dem {
		v := d[0]
		if v != math.Trunc(v) {
			return fmt.Errorf("cvrplib: DEMAND_SECTION: demand of node %d is not an integer: %v", i+1, v)
		}
		in.Demand[i] = int(v)
	}
	// Depot.
	toks, ok = sections["DEPOT_SECTION"]
	if !ok {
		return errors.New("cvrplib: missing DEPOT_SECTION")
	}
	var depots []int
	terminated := false
	for _, t := range toks {
		v, err := strconv.Atoi(t)
		if err != nil {
			return fmt.Errorf("cvrplib: DEPOT_SECTION: %q is not a node number", t)
		}
		if v == -1 {
			terminated = true
			break
		}
		if v < 1 || v > n {
			return fmt.Errorf("cvrplib: DEPOT_SECTION: node %d is outside 1..%d", v, n)
		}
		depots = append(depots, v)
	}
	switch {
	case !terminated:
		return errors.New("cvrplib: DEPOT_SECTION is not terminated by -1")
	case len(depots) == 0:
		return errors.New("cvrplib: DEPOT_SECTION lists no depot")
	case len(depots) > 1:
		return fmt.Errorf("cvrplib: DEPOT_SECTION lists %d depots; only one is supported", len(depots))
	}
	in.Depot = depots[0] - 1
	for i, d := range in.Demand {
		switch {
		case i == in.Depot && d != 0:
			return fmt.Errorf("cvrplib: DEMAND_SECTION: the depot (node %d) has demand %d, want 0", i+1, d)
		case d < 0:
			return fmt.Errorf("cvrplib: DEMAND_SECTION: node %d has a negative demand %d", i+1, d)
		case d > in.Capacity:
			return fmt.Errorf("cvrplib: DEMAND_SECTION: node %d has demand %d above the capacity %d", i+1, d, in.Capacity)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '_' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s[0] >= 'A' && s[0] <= 'Z'
}

func (p *vrpParser) header(key, val string) error {
	in := p.in
	if p.seen[key] {
		return p.errorf(p.line, "%s appears twice", key)
	}
	p.seen[key] = true
	atoi := func() (int, error) {
		v, err := strconv.Atoi(val)
		if err != nil {
			return 0, p.errorf(p.line, "%s: %q is not an integer", key, val)
		}
		return v, nil
	}
	var err error
	switch key {
	case "NAME":
		in.Name = val
	case "COMMENT":
		in.Comment = val
	case "TYPE":
		if val != "CVRP" {
			return p.errorf(p.line, "TYPE %q is not supported; want CVRP", val)
		}
	case "DIMENSION":
		if in.Dimension, err = atoi(); err != nil {
			return err
		}
		if in.Dimension < 2 {
			return p.errorf(p.line, "DIMENSION must be at least 2 (a depot and a customer), got %d", in.Dimension)
		}
	case "CAPACITY":
		if in.Capacity, err = atoi(); err != nil {
			return err
		}
	case "EDGE_WEIGHT_TYPE":
		switch val {
		case "EUC_2D", "EXPLICIT":
			in.EdgeWeightType = val
		default:
			return p.errorf(p.line, "unknown or unsupported EDGE_WEIGHT_TYPE %q; want EUC_2D or EXPLICIT", val)
		}
	case "EDGE_WEIGHT_FORMAT":
		switch val {
		case "FULL_MATRIX", "LOWER_ROW", "LOWER_DIAG_ROW", "UPPER_ROW", "UPPER_DIAG_ROW":
			in.EdgeWeightFormat = val
		default:
			return p.errorf(p.line, "unknown or unsupported EDGE_WEIGHT_FORMAT %q", val)
		}
	default:
		// Other TSPLIB keys (DISPLAY_DATA_TYPE, NODE_COORD_TYPE, ...) carry
		// nothing the solver needs.
	}
	return nil
}

// nodeTable parses "id v1 .. vk" rows for every node 1..Dimension.
func (p *vrpParser) nodeTable(toks []string, line int, name string, k int) ([][]float64, error) {
	n := p.in.Dimension
	if len(toks)%(k+1) != 0 {
		return nil, fmt.Errorf("cvrplib: %s (line %d): %d numbers do not make rows of %d", name, line, len(toks), k+1)
	}
	rows := len(toks) / (k + 1)
	if rows != n {
		return nil, fmt.Errorf("cvrplib: %s (line %d): dimension mismatch: %d rows, DIMENSION is %d", name, line, rows, n)
	}
	out := make([][]float64, n)
	for r := 0; r < rows; r++ {
		id, err := strconv.Atoi(toks[r*(k+1)])
		if err != nil {
			return nil, fmt.Errorf("cvrplib: %s: %q is not a node number", name, toks[r*(k+1)])
		}
		if id < 1 || id > n {
			return nil, fmt.Errorf("cvrplib: %s: node %d is outside 1..%d", name, id, n)
		}
		if out[id-1] != nil {
			return nil, fmt.Errorf("cvrplib: %s: node %d appears twice", name, id)
		}
		vals := make([]float64, k)
		for j := 0; j < k; j++ {
			s := toks[r*(k+1)+1+j]
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("cvrplib: %s: node %d: %q is not a number", name, id, s)
			}
			vals[j] = v
		}
		out[id-1] = vals
	}
	return out, nil
}

func (p *vrpParser) explicit(toks []string, line int) error {
	in := p.in
	n := in.Dimension
	if in.EdgeWeightFormat == "" {
		return errors.New("cvrplib: missing EDGE_WEIGHT_FORMAT (required by EDGE_WEIGHT_TYPE EXPLICIT)")
	}
	var want int
	switch in.EdgeWeightFormat {
	case "FULL_MATRIX":
		want = n * n
	case "LOWER_ROW", "UPPER_ROW":
		want = n * (n - 1) / 2
	case "LOWER_DIAG_ROW", "UPPER_DIAG_ROW":
		want = n * (n + 1) / 2
	}
	if len(toks) != want {
		return fmt.Errorf("cvrplib: EDGE_WEIGHT_SECTION (line %d): dimension mismatch: %d weights, %s of DIMENSION %d needs %d", line, len(toks), in.EdgeWeightFormat, n, want)
	}
	vals := make([]float64, len(toks))
	for i, t := range toks {
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("cvrplib: EDGE_WEIGHT_SECTION: weight %d is %q, not a non-negative number", i+1, t)
		}
		vals[i] = v
	}
	d := make([][]float64, n)
	for i := range d {
		d[i] = make([]float64, n)
	}
	k := 0
	set := func(i, j int) {
		d[i][j], d[j][i] = vals[k], vals[k]
		k++
	}
	switch in.EdgeWeightFormat {
	case "FULL_MATRIX":
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				d[i][j] = vals[k]
				k++
			}
		}
	case "LOWER_ROW":
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				set(i, j)
			}
		}
	case "LOWER_DIAG_ROW":
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				set(i, j)
			}
		}
	case "UPPER_ROW":
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				set(i, j)
			}
		}
	case "UPPER_DIAG_ROW":
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				set(i, j)
			}
		}
	}
	in.Dist = d
	return nil
}

// WriteSolution writes s in CVRPLIB .sol format: one "Route #k: c1 c2 ..."
// line per non-empty route, customers numbered as Problem nodes (customer c
// is .vrp node c+1 when the depot is node 1), then "Cost <cost>".
func WriteSolution(w io.Writer, s Solution, cost int) error {
	bw := bufio.NewWriter(w)
	k := 0
	for _, r := range s.Routes {
		if len(r) == 0 {
			continue
		}
		k++
		fmt.Fprintf(bw, "Route #%d:", k)
		for _, v := range r {
			bw.WriteByte(' ')
			bw.WriteString(strconv.Itoa(v))
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "Cost %d\n", cost)
	return bw.Flush()
}

// ParseSolution reads a CVRPLIB .sol file: "Route #k: ..." lines and a
// "Cost x" line. Other lines (comments, timing) are ignored. The returned
// Solution's Cost is the stated cost.
func ParseSolution(r io.Reader) (Solution, error) {
	var s Solution
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	line, sawCost := 0, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "Route"):
			colon := strings.IndexByte(text, ':')
			if colon < 0 {
				return s, fmt.Errorf("cvrplib: solution line %d: route without ':'", line)
			}
			var route []int
			for _, f := range strings.Fields(text[colon+1:]) {
				v, err := strconv.Atoi(f)
				if err != nil || v < 1 {
					return s, fmt.Errorf("cvrplib: solution line %d: %q is not a customer number", line, f)
				}
				route = append(route, v)
			}
			s.Routes = append(s.Routes, route)
		case strings.HasPrefix(text, "Cost"):
			f := strings.Fields(text)
			if len(f) != 2 {
				return s, fmt.Errorf("cvrplib: solution line %d: want \"Cost <number>\"", line)
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return s, fmt.Errorf("cvrplib: solution line %d: cost %q is not a number", line, f[1])
			}
			s.Cost, sawCost = v, true
		}
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("cvrplib: reading solution: %w", err)
	}
	if len(s.Routes) == 0 {
		return s, errors.New("cvrplib: solution has no routes")
	}
	if !sawCost {
		return s, errors.New("cvrplib: solution has no Cost line")
	}
	return s, nil
}
