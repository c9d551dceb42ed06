package app

import (
	"errors"
	"flag"
	"fmt"
	"runtime"
	"time"

	"easyjob/internal/loadtest"
)

// runBench: easyjob bench http [--url U] [--username U] [--writes] [--rate N]
// [--workers N] [--duration D] [--floor=false] [--procs N]
//
// Drives a running easyjob (on this machine only) with the API mix of
// docs/PERFORMANCE.md and prints req/s, p50/p90/p99, failures and the ratio
// to the /healthz floor measured in the same run. The password comes from
// EASYJOB_PASSWORD, else the demo's.
func runBench(env Env, args []string) error {
	const use = "usage: easyjob bench http [--url http://127.0.0.1:8080] [--writes] [--rate N] [--workers N] [--duration 20s] [--procs N]\n" +
		"       easyjob bench idle [--url http://127.0.0.1:8080] --metrics http://127.0.0.1:9090/metrics [--duration 60s] [--settle 10s]"
	if len(args) > 0 && args[0] == "idle" {
		return runBenchIdle(env, args[1:], use)
	}
	if len(args) == 0 || args[0] != "http" {
		return usageError{errors.New(use)}
	}
	fs := flag.NewFlagSet("bench http", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the server to drive (a loopback address)")
	user := fs.String("username", "demo-officer", "an officer who sees every county (the demo's city officer)")
	writes := fs.Bool("writes", false, "make 10% of the requests applications (writes)")
	rate := fs.Int("rate", 0, "requests a second; 0: as fast as the server answers")
	workers := fs.Int("workers", 64, "concurrent requests at the most")
	duration := fs.Duration("duration", 20*time.Second, "how long each attack lasts (at most 5m)")
	floor := fs.Bool("floor", true, "measure GET /healthz first, for the same time")
	seed := fs.Uint64("seed", 1, "seed of the random choice of requests")
	only := fs.String("only", "", "send only this kind of the mix (recommendations, search, posting, candidates)")
	procs := fs.Int("procs", 0, "cores the load tool runs on; 0: one at a fixed --rate, every core as fast as the server answers")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{errors.New(use)}
	}
	if err := loadtest.Loopback(*base); err != nil {
		return usageError{err}
	}
	if *duration <= 0 || *duration > loadtest.MaxDuration {
		return usageError{fmt.Errorf("--duration %v: want more than 0 and at most %v", *duration, loadtest.MaxDuration)}
	}
	if *rate < 0 || *workers < 1 || *workers > 4096 {
		return usageError{errors.New("--rate must be 0 or more and --workers between 1 and 4096")}
	}
	if *procs < 0 || *procs > runtime.NumCPU() {
		return usageError{fmt.Errorf("--procs %d: want 0 to %d", *procs, runtime.NumCPU())}
	}
	// The load tool shares the machine with the server it measures. At a
	// fixed rate it needs one core: a second one only cost it a fifth more
	// CPU in threads woken and put back to sleep, taken from the server
	// (docs/PERFORMANCE.md, eleventh round). As fast as the server answers,
	// and for the floor, it takes every core.
	if n := benchProcs(*procs, *rate); n > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	}
	password := env.Getenv("EASYJOB_PASSWORD")
	if password == "" {
		password = "easyjob-demo"
	}
	mix := loadtest.ReadMix()
	if *writes {
		mix = loadtest.WriteMix()
	}
	if *only != "" {
		var one []loadtest.Share
		for _, s := range mix {
			if s.Name == *only {
				one = append(one, s)
			}
		}
		if len(one) == 0 {
			return usageError{fmt.Errorf("--only %q: not a kind of the mix", *only)}
		}
		mix = one
	}
	rep, err := loadtest.Run(env.Ctx, loadtest.Config{Base: *base, Username: *user, Password: password, Mix: mix,
		Rate: *rate, Workers: *workers, Duration: *duration, Floor: *floor, Seed: *seed})
	if err != nil {
		return err
	}
	rep.Write(env.Stdout)
	return nil
}

// benchProcs is how many cores the load tool runs on (0: as the runtime
// chose): procs when given, else one at a fixed rate.
func benchProcs(procs, rate int) int {
	if procs == 0 && rate > 0 {
		return 1
	}
	return procs
}

// runBenchIdle: easyjob bench idle — the CPU an idle server uses, read from
// its own process_cpu_seconds_total (serve --metrics-addr).
func runBenchIdle(env Env, args []string, use string) error {
	fs := flag.NewFlagSet("bench idle", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the server (a loopback address), for /readyz")
	metrics := fs.String("metrics", "", "its metrics address (serve --metrics-addr), such as http://127.0.0.1:9090/metrics")
	duration := fs.Duration("duration", time.Minute, "how long to watch (at most 5m)")
	settle := fs.Duration("settle", 10*time.Second, "how long to wait after /readyz first")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *metrics == "" {
		return usageError{errors.New(use)}
	}
	rep, err := loadtest.Idle(env.Ctx, loadtest.IdleConfig{Base: *base, Metrics: *metrics, Token: env.Getenv("EASYJOB_METRICS_TOKEN"),
		Duration: *duration, Settle: *settle})
	if err != nil {
		return err
	}
	rep.Write(env.Stdout)
	return nil
}
