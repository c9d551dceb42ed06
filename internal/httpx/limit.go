package httpx

import (
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"easyjob/internal/easyjob"

	"golang.org/x/time/rate"
)

// Rate is N events per Per, at most N at once (a token bucket of N).
type Rate struct {
	N   int
	Per time.Duration
}

func (r Rate) limit() rate.Limit {
	if r.N <= 0 || r.Per <= 0 {
		return rate.Inf
	}
	return rate.Limit(float64(r.N) / r.Per.Seconds())
}

// Limiter limits events per client address and in total, with token buckets
// (golang.org/x/time/rate). Buckets of clients unseen for longer than a full
// bucket takes to refill are dropped, and the map never holds more than
// MaxClients (beyond that it starts afresh: the total limit still holds).
type Limiter struct {
	per        Rate
	total      *rate.Limiter
	Now        func() time.Time // the clock; tests move it
	MaxClients int

	mu      sync.Mutex
	clients map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter limits each client to per and all clients together to total;
// a Rate with N = 0 does not limit.
func NewLimiter(per, total Rate) *Limiter {
	return &Limiter{per: per, total: rate.NewLimiter(total.limit(), max(total.N, 1)), Now: time.Now,
		MaxClients: 100_000, clients: map[string]*bucket{}}
}

// idle is how long a client's bucket takes to fill up again: after that it
// is the same as a new one and may be dropped.
func (l *Limiter) idle() time.Duration {
	if l.per.N <= 0 {
		return 0
	}
	return l.per.Per
}

// Allow takes one event for client, or answers with an ERATELIMIT error
// whose "seconds" says when to try again (httpx sets Retry-After from it).
// A nil Limiter allows everything.
func (l *Limiter) Allow(client string) error {
	if l == nil {
		return nil
	}
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.per.N > 0 {
		if now.Sub(l.swept) > l.idle() || len(l.clients) >= l.MaxClients {
			for k, b := range l.clients {
				if now.Sub(b.seen) > l.idle() {
					delete(l.clients, k)
				}
			}
			if len(l.clients) >= l.MaxClients {
				clear(l.clients)
			}
			l.swept = now
		}
		b := l.clients[client]
		if b == nil {
			b = &bucket{lim: rate.NewLimiter(l.per.limit(), l.per.N)}
			l.clients[client] = b
		}
		b.seen = now
		r := b.lim.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return limited(d)
		}
		if t := l.total.ReserveN(now, 1); t.DelayFrom(now) > 0 {
			d := t.DelayFrom(now)
			t.CancelAt(now)
			r.CancelAt(now) // the client's token goes back: it was not let through
			return limited(d)
		}
		return nil
	}
	if t := l.total.ReserveN(now, 1); t.DelayFrom(now) > 0 {
		d := t.DelayFrom(now)
		t.CancelAt(now)
		return limited(d)
	}
	return nil
}

// Clients is how many client buckets are kept.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

func limited(d time.Duration) error {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return easyjob.Errorf(easyjob.ERATELIMIT, "error.rate_limited", "seconds", s)
}

// Limits are the rate limits of signing in, shared by the API and the
// pages so a client has one budget across both.
type Limits struct {
	// Proxies are the reverse proxies whose X-Forwarded-For is believed;
	// with none, the client is the connection's address.
	Proxies []netip.Prefix
	SignIn  *Limiter // password and code sign-ins, per address and in total
	Codes   *Limiter // requests for a sign-in code (each one a paid SMS)
}

// Client is the request's client address (see ClientAddr).
func (l *Limits) Client(r *http.Request) string {
	if l == nil {
		return ClientAddr(r, nil)
	}
	return ClientAddr(r, l.Proxies)
}

// AllowSignIn takes a sign-in attempt of the request's client.
func (l *Limits) AllowSignIn(r *http.Request) error {
	if l == nil {
		return nil
	}
	return l.SignIn.Allow(l.Client(r))
}

// AllowCode takes a code request of the request's client.
func (l *Limits) AllowCode(r *http.Request) error {
	if l == nil {
		return nil
	}
	return l.Codes.Allow(l.Client(r))
}

// ClientAddr is the address a request comes from, as a limiting key: the
// connection's address; when that is a trusted proxy, the rightmost
// X-Forwarded-For address that is not one (what the proxies saw, which the
// client cannot forge). IPv6 addresses are cut to their /64, which one
// subscriber usually holds whole.
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return r.RemoteAddr
	}
	ip = ip.Unmap()
	if inAny(ip, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			ip = a.Unmap()
			if !inAny(ip, trusted) {
				break
			}
		}
	}
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func inAny(ip netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// SetRetryAfter sets Retry-After on an answer to a rate-limited error that
// says when to try again (a "seconds" argument).
func SetRetryAfter(w http.ResponseWriter, err error) {
	var de *easyjob.Error
	if !errors.As(err, &de) || de.Code != easyjob.ERATELIMIT {
		return
	}
	if s, ok := de.Msg.Args["seconds"].(int); ok && s > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
}
