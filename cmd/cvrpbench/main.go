// Command cvrpbench runs the charter CVRP solver on CVRPLIB instances and
// prints a Markdown table of the gaps to the best-known costs.
//
//	go run ./cmd/cvrpbench -set A,B -time-limit 2s -seed 1 /work/shared/data/cvrplib
//
// It runs the instances one after the other on one core (GOMAXPROCS=1).
// The directory must hold one folder per set and INDEX.csv
// (set,instance,customers,capacity,best_known_cost,proven_optimal).
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/charter/cvrp"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cvrpbench:", err)
		os.Exit(1)
	}
}

type entry struct {
	set, name string
	customers int
	bks       float64
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("cvrpbench", flag.ContinueOnError)
	sets := fs.String("set", "A,B", "comma-separated instance sets (folders)")
	limit := fs.Duration("time-limit", 2*time.Second, "time limit per instance")
	iters := fs.Int("iterations", 0, "iteration limit per instance (0 = none)")
	seed := fs.Int64("seed", 1, "random seed")
	maxCust := fs.Int("max-customers", 0, "skip instances with more customers (0 = no limit)")
	match := fs.String("run", "", "only instances whose name matches this regular expression")
	solDir := fs.String("write-sol", "", "write each solution as <instance>.sol into this folder")
	minVeh := fs.Bool("min-vehicles", false, "lexicographic objective (fewest vehicles, then distance) as in the product; the k of the name is the fleet to beat")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: cvrpbench [flags] CVRPLIB-DIR")
	}
	dir := fs.Arg(0)
	runtime.GOMAXPROCS(1)
	var re *regexp.Regexp
	if *match != "" {
		var err error
		if re, err = regexp.Compile(*match); err != nil {
			return err
		}
	}
	index, err := readIndex(filepath.Join(dir, "INDEX.csv"))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Time limit %v, seed %d, GOMAXPROCS=1, %s/%s, minimise vehicles %v\n\n", *limit, *seed, runtime.GOOS, runtime.GOARCH, *minVeh)
	type summary struct {
		set        string
		count      int
		gap, secs  float64
		optimalHit int
		overK      int
	}
	var sums []summary
	for _, set := range strings.Split(*sets, ",") {
		set = strings.TrimSpace(set)
		fmt.Fprintf(out, "### Set %s\n\n", set)
		fmt.Fprintln(out, "| instance | n | BKS | cost | gap % | vehicles | k | time s |")
		fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|")
		sum := summary{set: set}
		for _, e := range index {
			if e.set != set || (*maxCust > 0 && e.customers > *maxCust) || (re != nil && !re.MatchString(e.name)) {
				continue
			}
			f, err := os.Open(filepath.Join(dir, set, e.name+".vrp"))
			if err != nil {
				return err
			}
			in, err := cvrp.ParseVRP(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			p := in.Problem()
			p.MinimiseVehicles = *minVeh
			start := time.Now()
			sol, err := cvrp.Solve(context.Background(), p, cvrp.Options{TimeLimit: *limit, MaxIterations: *iters, Seed: *seed})
			elapsed := time.Since(start)
			if err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			if err := sol.Check(p); err != nil {
				return fmt.Errorf("%s: infeasible solution: %w", e.name, err)
			}
			if *solDir != "" {
				if err := writeSol(filepath.Join(*solDir, e.name+".sol"), sol); err != nil {
					return err
				}
			}
			gap := 100 * (sol.Cost - e.bks) / e.bks
			k := fleetOf(e.name)
			fmt.Fprintf(out, "| %s | %d | %.0f | %.0f | %.2f | %d | %d | %.1f |\n", e.name, e.customers, e.bks, sol.Cost, gap, sol.Vehicles(), k, elapsed.Seconds())
			if sol.Vehicles() > k {
				sum.overK++
			}
			sum.count++
			sum.gap += gap
			sum.secs += elapsed.Seconds()
			if math.Abs(sol.Cost-e.bks) < 0.5 {
				sum.optimalHit++
			}
		}
		fmt.Fprintln(out)
		sums = append(sums, sum)
	}
	fmt.Fprintln(out, "| set | instances | mean gap % | at BKS | more vehicles than k | total time s |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	for _, s := range sums {
		mean := 0.0
		if s.count > 0 {
			mean = s.gap / float64(s.count)
		}
		fmt.Fprintf(out, "| %s | %d | %.2f | %d | %d | %.0f |\n", s.set, s.count, mean, s.optimalHit, s.overK, s.secs)
	}
	return nil
}

// fleetOf returns the k of an instance name like A-n32-k5 (the fleet of the
// best-known solution), or 0.
func fleetOf(name string) int {
	i := strings.LastIndex(name, "-k")
	if i < 0 {
		return 0
	}
	k, _ := strconv.Atoi(name[i+2:])
	return k
}

func writeSol(path string, sol cvrp.Solution) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := cvrp.WriteSolution(f, sol, int(math.Round(sol.Cost))); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readIndex(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []entry
	for i, r := range rows {
		if i == 0 || len(r) < 5 {
			continue
		}
		nc, err1 := strconv.Atoi(r[2])
		bks, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: line %d: bad numbers", path, i+1)
		}
		out = append(out, entry{set: r[0], name: r[1], customers: nc, bks: bks})
	}
	return out, nil
}
