// Package app is the composition root: configuration → database →
// migrations → services → HTTP server, and the command-line subcommands.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Version is set at build time with -ldflags "-X easyjob/internal/app.Version=…".
var Version = "dev"

// Main runs one subcommand and returns the process exit code. Every failure
// ends with one line on stderr naming the problem.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	env := Env{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(env, args[1:])
	case "migrate":
		err = runMigrate(env, args[1:])
	case "demo":
		err = runDemo(env, args[1:])
	case "charter":
		err = runCharter(env, args[1:])
	case "user":
		err = runUser(env, args[1:])
	case "policy":
		err = runPolicy(env, args[1:])
	case "bench":
		err = runBench(env, args[1:])
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "easyjob %s\n", Version)
		return 0
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "easyjob: unknown command %q (try: serve, migrate, demo, charter, policy, bench, user, version)\n", args[0])
		return 2
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "easyjob %s: %s\n", args[0], oneLine(ue.err.Error()))
		return 2
	}
	fmt.Fprintf(stderr, "easyjob %s: %s\n", args[0], oneLine(err.Error()))
	return 1
}

// Env is what a subcommand gets from the process.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

// parse parses flags quietly: a flag error becomes a usageError with the
// flag package's own one-line message.
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 && fs.Name() != "charter solve" && fs.Name() != "policy test" {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func usage(w io.Writer) {
	fmt.Fprint(w, `easyjob — public employment platform (易就业)

Usage:
  easyjob serve   [--addr 127.0.0.1:8080] [--db URL] [--demo]   run the web UI and the API
  easyjob migrate [--db URL]                                   apply database migrations
  easyjob demo    [--seed N] [--postings P] [--seekers S] [--db URL] [--force] [--demo-password PW]
                                                               load demo data
  easyjob charter solve FILE.vrp [--time-limit 2s] [--seed 1] solve a CVRPLIB instance
  easyjob policy test [--rules RULEDIR] [-v] DIR                 run the support measures' case files
                                                               (*.yaml) of DIR
  easyjob bench http [--url http://127.0.0.1:8080] [--writes] [--rate N] [--duration 20s]
                                                               drive a local server with the API mix
                                                               and print req/s and latencies
  easyjob user create --username U --name N --role admin|officer [--region CODE]
                                                               create an account (password from
                                                               EASYJOB_PASSWORD or standard input)
  easyjob version

--db takes sqlite:PATH (default sqlite:./data/easyjob.db) or a postgres:// URL.
Settings also come from EASYJOB_DB, EASYJOB_ADDR, EASYJOB_KEY, EASYJOB_KEY_FILE,
EASYJOB_MIN_WAGE, EASYJOB_DEV, EASYJOB_LOG_LEVEL, EASYJOB_DEMO_PASSWORD,
EASYJOB_METRICS_ADDR (--metrics-addr) and EASYJOB_METRICS_TOKEN; sign-in limits from
EASYJOB_TRUSTED_PROXIES, EASYJOB_HASH_SLOTS, EASYJOB_SIGNIN_PER_MINUTE, EASYJOB_SIGNIN_PER_SECOND,
EASYJOB_CODES_PER_HOUR, EASYJOB_CODES_PER_MINUTE (docs/SECURITY.md).
`)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
