package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"easyjob/internal/auth"
	"easyjob/internal/config"
	"easyjob/internal/demo"
)

// runDemo: easyjob demo [--seed N] [--postings P] [--seekers S] [--db URL] [--force] [--demo-password PW]
func runDemo(env Env, args []string) error {
	fs := config.Quiet("demo", env.Stderr)
	cfg := config.FlagSet(fs, env.Getenv)
	seed := fs.Int64("seed", demo.DefaultSeed, "random seed; the same seed gives the same data")
	postings := fs.Int("postings", demo.DefaultPostings, "number of postings")
	seekers := fs.Int("seekers", demo.DefaultSeekers, "number of seekers")
	force := fs.Bool("force", false, "delete the accounts and data already in the database first")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	switch {
	case *postings < 1 || *postings > demo.MaxPostings:
		return usageError{fmt.Errorf("--postings %d: want 1 to %d", *postings, demo.MaxPostings)}
	case *seekers < 1 || *seekers > demo.MaxSeekers:
		return usageError{fmt.Errorf("--seekers %d: want 1 to %d", *seekers, demo.MaxSeekers)}
	case !auth.ValidPassword(cfg.DemoPassword):
		return usageError{fmt.Errorf("--demo-password: want at least 10 characters")}
	}
	log := newLogger(env.Stderr, cfg.LogLevel)
	a, err := Open(env.Ctx, *cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := demo.Load(env.Ctx, a.Store, demo.Options{Seed: *seed, Postings: *postings, Seekers: *seekers,
		Password: cfg.DemoPassword, Force: *force, Progress: env.Stderr, Support: true, Equipment: true})
	if err != nil {
		if errors.Is(err, demo.ErrNotEmpty) {
			return fmt.Errorf("the database already has accounts or data; run again with --force to delete them and load the demo")
		}
		return err
	}
	demo.Print(env.Stdout, sum)
	return nil
}

// LoadDemoIfEmpty loads the default demo data set when the database has no
// employers and prints the demo accounts; otherwise it does nothing.
func (a *App) LoadDemoIfEmpty(ctx context.Context, out io.Writer) error {
	has, err := demo.HasEmployers(ctx, a.Store)
	if err != nil || has {
		return err
	}
	empty, err := demo.Empty(ctx, a.Store)
	if err != nil {
		return err
	}
	if !empty {
		// Accounts but no employers: someone set this database up by hand.
		a.Log.Info("demo data not loaded: the database already has accounts")
		return nil
	}
	sum, err := demo.Load(ctx, a.Store, demo.Options{Seed: demo.DefaultSeed, Postings: demo.DefaultPostings,
		Seekers: demo.DefaultSeekers, Password: a.Cfg.DemoPassword, Support: true, Equipment: true})
	if err != nil {
		return err
	}
	demo.Print(out, sum)
	return nil
}
