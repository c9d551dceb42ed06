package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"easyjob/internal/easyjob"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func retryAfter(t *testing.T, err error) int {
	t.Helper()
	var de *easyjob.Error
	if !errors.As(err, &de) || de.Code != easyjob.ERATELIMIT || de.Msg.Key != "error.rate_limited" {
		t.Fatalf("want a rate-limited error, got %v", err)
	}
	return de.Msg.Args["seconds"].(int)
}

// Each client has its own bucket; all of them share the total.
func TestLimiterPerClientAndTotal(t *testing.T) {
	clock := &fakeClock{t: time.Date(2020, 3, 2, 1, 0, 0, 0, time.UTC)}
	l := NewLimiter(Rate{N: 3, Per: time.Minute}, Rate{N: 5, Per: time.Second})
	l.Now = clock.now
	for i := range 3 {
		if err := l.Allow("a"); err != nil {
			t.Fatalf("a, attempt %d: %v", i+1, err)
		}
	}
	if s := retryAfter(t, l.Allow("a")); s != 20 {
		t.Fatalf("a waits %d s, want 20 (one token each 20 s)", s)
	}
	// b is not held back by a; the total (5 at once) is reached after two.
	if l.Allow("b") != nil || l.Allow("b") != nil {
		t.Fatal("b held back by a")
	}
	if s := retryAfter(t, l.Allow("c")); s != 1 {
		t.Fatalf("total: wait %d s", s)
	}
	// c's own token went back when the total refused it.
	clock.t = clock.t.Add(time.Second)
	for i := range 3 {
		if err := l.Allow("c"); err != nil {
			t.Fatalf("c, attempt %d after the total refilled: %v", i+1, err)
		}
	}
	clock.t = clock.t.Add(20 * time.Second)
	if err := l.Allow("a"); err != nil {
		t.Fatalf("a after 20 s: %v", err)
	}
}

// Buckets of clients gone quiet are dropped; the map has a ceiling.
func TestLimiterForgets(t *testing.T) {
	clock := &fakeClock{t: time.Date(2020, 3, 2, 1, 0, 0, 0, time.UTC)}
	l := NewLimiter(Rate{N: 1, Per: time.Minute}, Rate{})
	l.Now = clock.now
	l.MaxClients = 100
	for i := range 50 {
		l.Allow(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String())
	}
	if l.Clients() != 50 {
		t.Fatalf("%d clients", l.Clients())
	}
	clock.t = clock.t.Add(2 * time.Minute)
	l.Allow("10.1.0.1")
	if l.Clients() != 1 {
		t.Fatalf("%d clients after two quiet minutes, want 1", l.Clients())
	}
	for i := range 250 {
		l.Allow(netip.AddrFrom4([4]byte{10, 2, byte(i >> 8), byte(i)}).String())
		if l.Clients() > 100 {
			t.Fatalf("%d clients kept, at most 100", l.Clients())
		}
	}
	var nilLimiter *Limiter
	if nilLimiter.Allow("x") != nil {
		t.Fatal("a nil limiter limits")
	}
}

func TestClientAddr(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"192.0.2.1:5000", "", nil, "192.0.2.1"},
		{"192.0.2.1:5000", "203.0.113.9", nil, "192.0.2.1"},                       // not from a trusted proxy: ignored
		{"192.0.2.1:5000", "203.0.113.9", proxy, "192.0.2.1"},                     // nor from an untrusted one
		{"10.1.2.3:5000", "203.0.113.9", proxy, "203.0.113.9"},                    // what the proxy saw
		{"10.1.2.3:5000", "1.1.1.1, 203.0.113.9, 10.9.9.9", proxy, "203.0.113.9"}, // a forged first hop is skipped
		{"10.1.2.3:5000", "garbage", proxy, "10.1.2.3"},
		{"[2001:db8:1:2:3:4:5:6]:443", "", nil, "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:80", "", nil, "192.0.2.7"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := ClientAddr(r, c.trusted); got != c.want {
			t.Errorf("%s via %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestSetRetryAfter(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{easyjob.Errorf(easyjob.ERATELIMIT, "error.rate_limited", "seconds", 7), "7"},
		{easyjob.Errorf(easyjob.ERATELIMIT, "auth.code_attempts"), ""},
		{easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.bad_password", "seconds", 7), ""},
	} {
		w := httptest.NewRecorder()
		SetRetryAfter(w, c.err)
		if got := w.Header().Get("Retry-After"); got != c.want {
			t.Errorf("%v: Retry-After %q, want %q", c.err, got, c.want)
		}
	}
	var l *Limits
	r := httptest.NewRequest(http.MethodPost, "/login", nil)
	if l.AllowSignIn(r) != nil || l.AllowCode(r) != nil || l.Client(r) != "192.0.2.1" {
		t.Fatal("nil Limits")
	}
}
