// Package config reads easyjob's settings from flags and the environment.
// Flags win over environment variables, which win over defaults. Defaults
// run on a fresh machine: SQLite under ./data.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of one easyjob process.
type Config struct {
	Addr         string        // EASYJOB_ADDR
	DB           string        // EASYJOB_DB: sqlite:PATH or postgres://…
	KeyFile      string        // EASYJOB_KEY_FILE: where the embedded default keeps its data key
	Key          string        // EASYJOB_KEY: the data key itself (base64 or hex, 32 bytes); wins over KeyFile
	Demo         bool          // serve --demo: load demo data when the database is empty
	DemoPassword string        // EASYJOB_DEMO_PASSWORD
	MinWage      int           // EASYJOB_MIN_WAGE: monthly minimum wage in CNY (Shenzhen 2020: 2,200)
	Dev          bool          // EASYJOB_DEV: codes also go to the log; cookies without Secure
	LogLevel     string        // EASYJOB_LOG_LEVEL: debug, info, warn, error
	ShutdownWait time.Duration // EASYJOB_SHUTDOWN_WAIT
	// MetricsAddr, when set, is a second listen address that serves only
	// GET /metrics (EASYJOB_METRICS_ADDR).
	MetricsAddr string
	// MetricsToken, when set, is the bearer token /metrics asks for, on
	// either listener (EASYJOB_METRICS_TOKEN). With neither setting the
	// metrics are not served at all: never publicly on the main listener.
	MetricsToken string

	// Signing in (docs/SECURITY.md).
	TrustedProxies  string // EASYJOB_TRUSTED_PROXIES: addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For is believed
	HashSlots       int    // EASYJOB_HASH_SLOTS: password hashes (64 MiB each) run at once; 0: one per CPU (GOMAXPROCS)
	SignInPerMinute int    // EASYJOB_SIGNIN_PER_MINUTE: sign-in attempts per client address a minute (and at once)
	SignInPerSecond int    // EASYJOB_SIGNIN_PER_SECOND: sign-in attempts of all clients a second (and at once)
	CodesPerHour    int    // EASYJOB_CODES_PER_HOUR: sign-in codes requested per client address an hour (and at once)
	CodesPerMinute  int    // EASYJOB_CODES_PER_MINUTE: sign-in codes requested by all clients a minute (and at once)

	// MaxActive is how many requests are worked on at once; the others wait
	// their turn (EASYJOB_MAX_ACTIVE; 0: as many as the database has read
	// connections).
	MaxActive int
}

// Defaults returns the settings used when nothing is given.
func Defaults() Config {
	return Config{
		Addr:         "127.0.0.1:8080",
		DB:           "sqlite:./data/easyjob.db",
		DemoPassword: "easyjob-demo",
		MinWage:      2200,
		LogLevel:     "info",
		ShutdownWait: 10 * time.Second,

		SignInPerMinute: 10,
		SignInPerSecond: 20,
		CodesPerHour:    10,
		CodesPerMinute:  60,
	}
}

// FlagSet registers the shared flags on fs, with values from the environment.
// Call Finish after fs.Parse.
func FlagSet(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := Defaults()
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("EASYJOB_ADDR", c.Addr), "listen address (EASYJOB_ADDR)")
	fs.StringVar(&c.DB, "db", env("EASYJOB_DB", c.DB), "database: sqlite:PATH or postgres://… (EASYJOB_DB)")
	fs.StringVar(&c.KeyFile, "key-file", env("EASYJOB_KEY_FILE", ""), "data key file; default: key next to the SQLite file (EASYJOB_KEY_FILE)")
	c.Key = getenv("EASYJOB_KEY")
	fs.StringVar(&c.DemoPassword, "demo-password", env("EASYJOB_DEMO_PASSWORD", c.DemoPassword), "password of the demo accounts (EASYJOB_DEMO_PASSWORD)")
	c.MinWage, _ = strconv.Atoi(env("EASYJOB_MIN_WAGE", strconv.Itoa(c.MinWage)))
	fs.IntVar(&c.MinWage, "min-wage", c.MinWage, "monthly minimum wage in CNY (EASYJOB_MIN_WAGE)")
	c.Dev = env("EASYJOB_DEV", "") == "1" || env("EASYJOB_DEV", "") == "true"
	fs.BoolVar(&c.Dev, "dev", c.Dev, "development mode: sign-in codes in the log, cookies without Secure (EASYJOB_DEV)")
	fs.StringVar(&c.LogLevel, "log-level", env("EASYJOB_LOG_LEVEL", c.LogLevel), "debug, info, warn or error (EASYJOB_LOG_LEVEL)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("EASYJOB_METRICS_ADDR", ""), "a second listen address serving only /metrics (EASYJOB_METRICS_ADDR)")
	c.MetricsToken = getenv("EASYJOB_METRICS_TOKEN")
	fs.IntVar(&c.MaxActive, "max-active", 0, "requests worked on at once, the others waiting their turn; 0: as many as the database has read connections (EASYJOB_MAX_ACTIVE)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("EASYJOB_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For is believed: addresses or CIDR prefixes, comma-separated (EASYJOB_TRUSTED_PROXIES)")
	for _, n := range []struct {
		v    *int
		name string
	}{{&c.HashSlots, "EASYJOB_HASH_SLOTS"}, {&c.SignInPerMinute, "EASYJOB_SIGNIN_PER_MINUTE"}, {&c.SignInPerSecond, "EASYJOB_SIGNIN_PER_SECOND"},
		{&c.CodesPerHour, "EASYJOB_CODES_PER_HOUR"}, {&c.CodesPerMinute, "EASYJOB_CODES_PER_MINUTE"}, {&c.MaxActive, "EASYJOB_MAX_ACTIVE"}} {
		if v := getenv(n.name); v != "" {
			if i, err := strconv.Atoi(v); err == nil {
				*n.v = i
			} else {
				*n.v = -1 // Validate names it
			}
		}
	}
	return &c
}

// Validate checks the settings and returns the first problem as one line.
func (c *Config) Validate() error {
	if _, _, err := ParseDB(c.DB); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port", c.Addr)
	}
	if c.MinWage <= 0 || c.MinWage > 100000 {
		return fmt.Errorf("--min-wage %d: want a monthly wage in CNY between 1 and 100000", c.MinWage)
	}
	if c.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr %q: want host:port", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr && port != "0" {
			return fmt.Errorf("--metrics-addr %q: want another address than --addr", c.MetricsAddr)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < MinMetricsToken {
		return fmt.Errorf("EASYJOB_METRICS_TOKEN: want at least %d characters", MinMetricsToken)
	}
	if _, err := c.Proxies(); err != nil {
		return err
	}
	for _, n := range []struct {
		v        int
		name     string
		min, max int
	}{{c.HashSlots, "EASYJOB_HASH_SLOTS", 0, 256}, {c.SignInPerMinute, "EASYJOB_SIGNIN_PER_MINUTE", 1, 100000},
		{c.SignInPerSecond, "EASYJOB_SIGNIN_PER_SECOND", 1, 100000}, {c.CodesPerHour, "EASYJOB_CODES_PER_HOUR", 1, 100000},
		{c.CodesPerMinute, "EASYJOB_CODES_PER_MINUTE", 1, 100000}, {c.MaxActive, "EASYJOB_MAX_ACTIVE", 0, 100000}} {
		if n.v < n.min || n.v > n.max {
			return fmt.Errorf("%s: want a whole number between %d and %d", n.name, n.min, n.max)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// MinMetricsToken is the shortest metrics token accepted.
const MinMetricsToken = 16

// Proxies are the trusted reverse proxies: EASYJOB_TRUSTED_PROXIES read as
// addresses and CIDR prefixes.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is not an address or a CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// KeyPath is where the data key file lives: the configured file, else next to
// the SQLite database. PostgreSQL deployments must configure a key.
func (c *Config) KeyPath() (string, error) {
	if c.KeyFile != "" {
		return c.KeyFile, nil
	}
	kind, target, err := ParseDB(c.DB)
	if err != nil {
		return "", err
	}
	if kind != "sqlite" {
		return "", errors.New("on PostgreSQL set EASYJOB_KEY or EASYJOB_KEY_FILE: every process must share one data key")
	}
	return filepath.Join(filepath.Dir(target), "easyjob.key"), nil
}

// ParseDB splits a database URL into its kind ("sqlite" or "postgres") and
// the path or connection string.
func ParseDB(s string) (kind, target string, err error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(s, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", "", fmt.Errorf("--db %q: sqlite: needs a file path, e.g. sqlite:./data/easyjob.db", s)
		}
		if strings.ContainsAny(p, "?#") {
			return "", "", fmt.Errorf("--db %q: sqlite: takes a plain file path without options", s)
		}
		return "sqlite", p, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil {
			return "", "", fmt.Errorf("--db: malformed PostgreSQL URL: %v", redactErr(err, s))
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return "", "", fmt.Errorf("--db: the PostgreSQL URL names no host")
		}
		if strings.Trim(u.Path, "/") == "" {
			return "", "", fmt.Errorf("--db: the PostgreSQL URL names no database, e.g. postgres://user@127.0.0.1:5432/easyjob")
		}
		return "postgres", s, nil
	}
	return "", "", fmt.Errorf("--db %q: want sqlite:PATH or postgres://user:pass@host:port/dbname", Redact(s))
}

// Redact hides a password in a database URL so it can be printed.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func redactErr(err error, s string) string {
	msg := err.Error()
	if u, e := url.Parse(s); e == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// Quiet makes a FlagSet that reports errors as one line and no usage dump.
func Quiet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}
