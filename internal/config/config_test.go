package config

import (
	"strings"
	"testing"
)

func TestParseDB(t *testing.T) {
	cases := []struct {
		in, kind, target, err string
	}{
		{"sqlite:./data/easyjob.db", "sqlite", "./data/easyjob.db", ""},
		{"sqlite:///var/lib/easyjob.db", "sqlite", "/var/lib/easyjob.db", ""},
		{"postgres://u:p@db:5432/easyjob?sslmode=disable", "postgres", "postgres://u:p@db:5432/easyjob?sslmode=disable", ""},
		{"sqlite:", "", "", "needs a file path"},
		{"sqlite:x.db?mode=ro", "", "", "plain file path"},
		{"postgres://u@db:5432", "", "", "names no database"},
		{"mysql://u:secret@db/x", "", "", "want sqlite:PATH"},
		{"", "", "", "want sqlite:PATH"},
	}
	for _, c := range cases {
		kind, target, err := ParseDB(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: got %v, want error with %q", c.in, err, c.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("%q: the error shows the password", c.in)
			}
			continue
		}
		if err != nil || kind != c.kind || target != c.target {
			t.Errorf("%q: got %s %s %v", c.in, kind, target, err)
		}
	}
}

func TestFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{"EASYJOB_DB": "sqlite:/tmp/x.db", "EASYJOB_ADDR": "127.0.0.1:9999", "EASYJOB_MIN_WAGE": "2360"}
	fs := Quiet("t", nil)
	c := FlagSet(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--addr", "127.0.0.1:7000"}); err != nil {
		t.Fatal(err)
	}
	if c.DB != "sqlite:/tmp/x.db" || c.Addr != "127.0.0.1:7000" || c.MinWage != 2360 {
		t.Fatalf("%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Addr = "nope"
	if err := c.Validate(); err == nil {
		t.Fatal("bad addr accepted")
	}
	if p, err := (&Config{DB: "sqlite:/srv/data/e.db"}).KeyPath(); err != nil || p != "/srv/data/easyjob.key" {
		t.Fatalf("key path %s %v", p, err)
	}
	if _, err := (&Config{DB: "postgres://u@h/db"}).KeyPath(); err == nil {
		t.Fatal("PostgreSQL without a key must be refused")
	}
	if Redact("postgres://u:secret@h/db") != "postgres://u:xxxxx@h/db" {
		t.Fatal(Redact("postgres://u:secret@h/db"))
	}
}

func TestSignInSettings(t *testing.T) {
	env := map[string]string{"EASYJOB_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,::1", "EASYJOB_HASH_SLOTS": "3",
		"EASYJOB_SIGNIN_PER_MINUTE": "5", "EASYJOB_CODES_PER_HOUR": "4"}
	fs := Quiet("t", nil)
	c := FlagSet(fs, func(k string) string { return env[k] })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := c.Proxies()
	if err != nil || len(p) != 3 || p[0].String() != "10.0.0.0/8" || p[1].String() != "192.0.2.1/32" || p[2].String() != "::1/128" {
		t.Fatalf("proxies %v %v", p, err)
	}
	if c.HashSlots != 3 || c.SignInPerMinute != 5 || c.CodesPerHour != 4 || c.SignInPerSecond != Defaults().SignInPerSecond {
		t.Fatalf("%+v", c)
	}
	for name, v := range map[string]string{"EASYJOB_TRUSTED_PROXIES": "proxy.local", "EASYJOB_SIGNIN_PER_MINUTE": "many",
		"EASYJOB_CODES_PER_MINUTE": "0", "EASYJOB_HASH_SLOTS": "-2"} {
		fs := Quiet("t", nil)
		c := FlagSet(fs, func(k string) string {
			if k == name {
				return v
			}
			return ""
		})
		fs.Parse(nil)
		if err := c.Validate(); err == nil {
			t.Errorf("%s=%s accepted", name, v)
		}
	}
}

func TestMetricsSettings(t *testing.T) {
	env := map[string]string{"EASYJOB_METRICS_ADDR": "127.0.0.1:9464", "EASYJOB_METRICS_TOKEN": "0123456789abcdef"}
	fs := Quiet("t", nil)
	c := FlagSet(fs, func(k string) string { return env[k] })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "127.0.0.1:9464" || c.MetricsToken != "0123456789abcdef" {
		t.Fatalf("%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := Defaults(); d.MetricsAddr != "" || d.MetricsToken != "" {
		t.Fatalf("metrics must not be served by default: %+v", d)
	}
	for _, bad := range []func(c *Config){
		func(c *Config) { c.MetricsAddr = "9464" },
		func(c *Config) { c.MetricsAddr = c.Addr },
		func(c *Config) { c.MetricsToken = "short" },
	} {
		c := *c
		bad(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

func TestMaxActive(t *testing.T) {
	for _, tc := range []struct {
		env  string
		args []string
		want int
		ok   bool
	}{{"", nil, 0, true}, {"12", nil, 12, true}, {"12", []string{"--max-active", "3"}, 3, true},
		{"-1", nil, 0, false}, {"lots", nil, 0, false}, {"", []string{"--max-active", "-4"}, 0, false}} {
		fs := Quiet("t", nil)
		c := FlagSet(fs, func(k string) string {
			if k == "EASYJOB_MAX_ACTIVE" {
				return tc.env
			}
			return ""
		})
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := c.Validate()
		if (err == nil) != tc.ok || (tc.ok && c.MaxActive != tc.want) {
			t.Errorf("EASYJOB_MAX_ACTIVE=%q %v: %d, %v", tc.env, tc.args, c.MaxActive, err)
		}
	}
}
