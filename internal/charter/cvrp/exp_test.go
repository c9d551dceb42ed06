package cvrp

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestExperiment is the tuning harness behind the solver's parameters; it
// is skipped unless CVRP_EXP names instances, e.g.
//
//	CVRP_EXP=A-n65-k9,X-n204-k19 CVRP_ITERS=300000 CVRP_SEEDS=2 CVRP_T0=0.25 \
//	  CVRP_TF=0.001 go test -run Experiment -v ./internal/charter/cvrp/
//
// X instances get four times CVRP_ITERS; CVRP_TIME=10s uses a time limit
// instead. CVRP_CBAR, CVRP_LMAX, CVRP_INTRA and CVRP_NOINTER change the
// ruin size, the string length and the local searches. It changes package
// variables, so run it alone.
func TestExperiment(t *testing.T) {
	names := os.Getenv("CVRP_EXP")
	if names == "" {
		t.Skip("set CVRP_EXP")
	}
	runtime.GOMAXPROCS(1)
	iters, _ := strconv.Atoi(os.Getenv("CVRP_ITERS"))
	if v, err := strconv.ParseFloat(os.Getenv("CVRP_T0"), 64); err == nil {
		initTempRatio = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("CVRP_TF"), 64); err == nil {
		lastTempRatio = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("CVRP_CBAR"), 64); err == nil {
		avgRemoved = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("CVRP_LMAX"), 64); err == nil {
		maxStringLen = v
	}
	if os.Getenv("CVRP_INTRA") != "" {
		intraLS = true
	}
	if os.Getenv("CVRP_NOINTER") != "" {
		interLS = false
	}
	limit, _ := time.ParseDuration(os.Getenv("CVRP_TIME"))
	seeds := 1
	if v, err := strconv.Atoi(os.Getenv("CVRP_SEEDS")); err == nil {
		seeds = v
	}
	idx := map[string]bks{}
	for _, b := range mustIndex(t) {
		idx[b.name] = b
	}
	sum, cnt := 0.0, 0
	for _, name := range strings.Split(names, ",") {
		b := idx[name]
		p := mustInstance(t, b.set, b.name).Problem()
		for seed := 1; seed <= seeds; seed++ {
			it := iters
			if b.set == "X" {
				it *= 4
			}
			opt := Options{MaxIterations: it, Seed: int64(seed)}
			if limit > 0 {
				opt = Options{TimeLimit: limit, Seed: int64(seed)}
			}
			s := mustSolve(t, p, opt)
			gap := 100 * (s.Cost - b.cost) / b.cost
			t.Logf("%s seed %d: %.0f gap %.2f", name, seed, s.Cost, gap)
			sum += gap
			cnt++
		}
	}
	t.Logf("MEAN %.3f", sum/float64(cnt))
}
