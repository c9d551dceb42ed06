package app

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"easyjob/internal/policy"
)

// runPolicy: easyjob policy test [--rules RULEDIR] [-v] DIR
//
// Runs the OpenFisca-style case files (*.yaml) of DIR against the embedded rules, or against
// the rule files of RULEDIR (checked as at start: a typo, an expression that does not
// compile or overlapping validity periods are reported with the file and line). It prints
// every failed case with its file and line, then a count; the exit code is 1 when a case
// fails or a file cannot be read.
func runPolicy(env Env, args []string) error {
	const use = "usage: easyjob policy test [--rules RULEDIR] [-v] DIR"
	if len(args) == 0 || args[0] != "test" {
		return usageError{errors.New(use)}
	}
	fs := flag.NewFlagSet("policy test", flag.ContinueOnError)
	rulesDir := fs.String("rules", "", "load the rule files of this directory instead of the embedded ones")
	verbose := fs.Bool("v", false, "print the cases that pass too")
	var dir string
	rest := args[1:]
	for {
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if dir != "" {
			return usageError{fmt.Errorf("one directory at a time, got %q and %q", dir, fs.Arg(0))}
		}
		dir, rest = fs.Arg(0), fs.Args()[1:]
	}
	if dir == "" {
		return usageError{errors.New(use)}
	}
	rules, err := policy.Default()
	if *rulesDir != "" {
		rules, err = policy.Load(os.DirFS(*rulesDir), ".")
	}
	if err != nil {
		for _, e := range unjoin(err) {
			fmt.Fprintln(env.Stderr, e)
		}
		return fmt.Errorf("the rules do not load")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	results, err := rules.RunCases(os.DirFS(dir), ".")
	if err != nil {
		for _, e := range unjoin(err) {
			fmt.Fprintln(env.Stderr, e)
		}
		return fmt.Errorf("the case files do not load")
	}
	failed := 0
	for _, r := range results {
		if !r.Passed() {
			failed++
		}
		if !r.Passed() || *verbose {
			fmt.Fprintln(env.Stdout, r.String())
		}
	}
	fmt.Fprintf(env.Stdout, "%d cases, %d passed, %d failed\n", len(results), len(results)-failed, failed)
	if len(results) == 0 {
		return fmt.Errorf("%s: no case files (*.yaml)", dir)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d cases failed", failed, len(results))
	}
	return nil
}

// unjoin lists the errors of errors.Join, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
