package app

import (
	"flag"
	"fmt"
	"os"
	"time"

	"easyjob/internal/charter/planner"
)

// runCharter: easyjob charter solve FILE.vrp [--time-limit 2s] [--seed 1]
func runCharter(env Env, args []string) error {
	if len(args) == 0 || args[0] != "solve" {
		return usageError{fmt.Errorf("usage: easyjob charter solve FILE.vrp [--time-limit 2s] [--seed 1]")}
	}
	fs := flag.NewFlagSet("charter solve", flag.ContinueOnError)
	limit := fs.Duration("time-limit", 2*time.Second, "stop searching after this long")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same solution")
	// Flags may come before or after the file name.
	var file string
	rest := args[1:]
	for {
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return usageError{fmt.Errorf("one .vrp file at a time, got %q and %q", file, fs.Arg(0))}
		}
		file, rest = fs.Arg(0), fs.Args()[1:]
	}
	if file == "" {
		return usageError{fmt.Errorf("usage: easyjob charter solve FILE.vrp [--time-limit 2s] [--seed 1]")}
	}
	if *limit <= 0 {
		return usageError{fmt.Errorf("--time-limit must be positive")}
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("%s: %v", file, unwrapPathErr(err))
	}
	defer f.Close()
	if err := planner.SolveCVRPLIB(env.Ctx, f, env.Stdout, planner.Options{TimeLimit: *limit, Seed: *seed}); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	return nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
