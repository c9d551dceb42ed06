// Package loadtest drives an easyjob server with a mix of API requests and
// measures it, for docs/PERFORMANCE.md (`easyjob bench http`). It uses
// vegeta as a library: a weighted mix of targets (recommendations, search,
// posting detail, candidates, and optionally applications as writes),
// signed in as an officer, sent at a fixed rate or as fast as the server
// answers, for a bounded time. It measures the server's floor (GET /healthz)
// the same way first, so a figure can be read against what the machine
// itself allows.
//
// It only ever targets loopback addresses: a load test never leaves the
// machine it runs on.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// MaxDuration bounds one attack: the tool stops by itself.
const MaxDuration = 5 * time.Minute

// Share is one kind of request in a mix, with its weight.
type Share struct {
	Name   string
	Weight int
	Method string
	// Path has "{posting}" and "{seeker}" filled with a random sampled id.
	Path string
	// Body, for writes: "{seeker}" filled the same way.
	Body string
	// Expected are statuses that are answers, not failures (a second
	// application to one posting is a 409).
	Expected []int
}

// ReadMix is the mix: 50% recommendations, 20% search, 20% posting
// detail, 10% candidates.
func ReadMix() []Share {
	return []Share{
		{Name: "recommendations", Weight: 50, Method: "GET", Path: "/api/v1/seekers/{seeker}/recommendations?limit=20"},
		{Name: "search", Weight: 20, Method: "GET", Path: "/api/v1/postings?q={word}&limit=20"},
		{Name: "posting", Weight: 20, Method: "GET", Path: "/api/v1/postings/{posting}"},
		{Name: "candidates", Weight: 10, Method: "GET", Path: "/api/v1/postings/{posting}/candidates?limit=20"},
	}
}

// WriteMix is ReadMix with 10% writes: applications made for seekers.
func WriteMix() []Share {
	m := ReadMix()
	m[0].Weight = 40
	return append(m, Share{Name: "apply", Weight: 10, Method: "POST", Path: "/api/v1/postings/{posting}/apply",
		Body: `{"seeker_id":{seeker}}`, Expected: []int{409}})
}

// Config is one run.
type Config struct {
	Base     string // http://127.0.0.1:8080
	Username string
	Password string
	Mix      []Share
	Rate     int // requests a second; 0: as fast as the server answers
	Workers  int // concurrent requests at the most (with Rate 0: exactly)
	Duration time.Duration
	Floor    bool // measure GET /healthz first, for the same time
	Seed     uint64
	Client   *http.Client // for setting up (sign-in, sampling ids)
}

// Figures are one attack's results.
type Figures struct {
	Name       string
	Requests   uint64
	Rate       float64 // requests sent a second
	Throughput float64 // successful answers a second
	P50        time.Duration
	P90        time.Duration
	P99        time.Duration
	Max        time.Duration
	Failed     uint64 // errors and unexpected statuses
	Statuses   map[string]int
	BytesIn    float64 // mean bytes per answer, as sent (compressed)
}

// Report is a run: the floor, the mix and each kind of request in it.
type Report struct {
	Floor *Figures
	Mix   Figures
	Kinds []Figures
}

// Loopback refuses a target that is not on this machine.
func Loopback(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an http:// address", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: load tests only target this machine (127.0.0.0/8, ::1, localhost)", host)
	}
	return nil
}

// Run signs in, samples ids, measures the floor and attacks with the mix.
func Run(ctx context.Context, c Config) (Report, error) {
	var rep Report
	if err := Loopback(c.Base); err != nil {
		return rep, err
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		return rep, fmt.Errorf("duration %v: want more than 0 and at most %v", c.Duration, MaxDuration)
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 30 * time.Second}
	}
	c.Base = strings.TrimRight(c.Base, "/")
	if err := waitReady(ctx, c); err != nil {
		return rep, err
	}
	tok, err := signIn(ctx, c)
	if err != nil {
		return rep, err
	}
	postings, err := sample(ctx, c, tok, "/api/v1/postings?limit=100", 10)
	if err != nil {
		return rep, err
	}
	seekers, err := sample(ctx, c, tok, "/api/v1/seekers?limit=100", 10)
	if err != nil {
		return rep, err
	}
	if len(postings) == 0 || len(seekers) == 0 {
		return rep, errors.New("the server has no postings or no seekers to ask about (load the demo data first)")
	}
	if c.Floor {
		f := attack(ctx, c, "healthz", func(t *vegeta.Target) error {
			t.Method, t.URL = "GET", c.Base+"/healthz"
			return nil
		}, nil)
		rep.Floor = &f.total
	}
	rng := rand.New(rand.NewPCG(c.Seed, 2020))
	total := 0
	for _, s := range c.Mix {
		total += s.Weight
	}
	if total <= 0 {
		return rep, errors.New("the mix is empty")
	}
	words := []string{"普工", "电子厂", "保安", "包吃住", "操作工", "仓库", "司机", "厨师"}
	header := http.Header{"Authorization": {"Bearer " + tok}, "Accept-Encoding": {"gzip, deflate, br, zstd"}, "Content-Type": {"application/json"}}
	targeter := func(t *vegeta.Target) error {
		n := rng.IntN(total)
		s := c.Mix[len(c.Mix)-1]
		for _, x := range c.Mix {
			if n < x.Weight {
				s = x
				break
			}
			n -= x.Weight
		}
		fill := strings.NewReplacer("{posting}", strconv.FormatInt(postings[rng.IntN(len(postings))], 10),
			"{seeker}", strconv.FormatInt(seekers[rng.IntN(len(seekers))], 10),
			"{word}", url.QueryEscape(words[rng.IntN(len(words))]))
		t.Method, t.URL, t.Header = s.Method, c.Base+fill.Replace(s.Path), header
		t.Body = nil
		if s.Body != "" {
			t.Body = []byte(fill.Replace(s.Body))
		}
		return nil
	}
	r := attack(ctx, c, "mix", targeter, c.Mix)
	rep.Mix = r.total
	rep.Kinds = r.kinds
	return rep, nil
}

type attackResult struct {
	total Figures
	kinds []Figures
}

// attack runs one vegeta attack and sums it up, in total and per kind (the
// kind is read back from the path).
func attack(ctx context.Context, c Config, name string, tr vegeta.Targeter, mix []Share) attackResult {
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Connections(c.Workers), vegeta.MaxConnections(c.Workers),
		vegeta.Timeout(30 * time.Second)}
	var pacer vegeta.Pacer = vegeta.Rate{Freq: c.Rate, Per: time.Second}
	if c.Rate <= 0 {
		opts = append(opts, vegeta.Workers(uint64(c.Workers)), vegeta.MaxWorkers(uint64(c.Workers)))
		pacer = vegeta.Rate{Freq: 0}
	} else {
		opts = append(opts, vegeta.Workers(uint64(min(c.Workers, 16))), vegeta.MaxWorkers(uint64(c.Workers)))
	}
	a := vegeta.NewAttacker(opts...)
	var all vegeta.Metrics
	byKind := map[string]*vegeta.Metrics{}
	expected := map[string]map[uint16]bool{}
	for _, s := range mix {
		byKind[s.Name] = &vegeta.Metrics{}
		expected[s.Name] = map[uint16]bool{}
		for _, code := range s.Expected {
			expected[s.Name][uint16(code)] = true
		}
	}
	for res := range a.Attack(tr, pacer, c.Duration, name) {
		if ctx.Err() != nil {
			a.Stop()
		}
		kind := kindOf(res, mix)
		if expected[kind][res.Code] {
			res.Code, res.Error = 200, ""
		}
		all.Add(res)
		if m := byKind[kind]; m != nil {
			m.Add(res)
		}
	}
	all.Close()
	out := attackResult{total: figures(name, &all)}
	for _, s := range mix {
		m := byKind[s.Name]
		m.Close()
		out.kinds = append(out.kinds, figures(s.Name, m))
	}
	return out
}

// kindOf finds which share of the mix a result came from, by method and path shape.
func kindOf(res *vegeta.Result, mix []Share) string {
	u, err := url.Parse(res.URL)
	if err != nil {
		return ""
	}
	for _, s := range mix {
		if s.Method == res.Method && samePath(s.Path, u.Path) {
			return s.Name
		}
	}
	return ""
}

func samePath(pattern, path string) bool {
	pattern, _, _ = strings.Cut(pattern, "?")
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

func figures(name string, m *vegeta.Metrics) Figures {
	f := Figures{Name: name, Requests: m.Requests, Rate: m.Rate, Throughput: m.Throughput, P50: m.Latencies.P50,
		P90: m.Latencies.P90, P99: m.Latencies.P99, Max: m.Latencies.Max, Statuses: m.StatusCodes, BytesIn: m.BytesIn.Mean}
	f.Failed = m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
	return f
}

// waitReady waits (up to a minute) for /readyz: a server that has just
// started builds its indexes first and answers 503 until then.
func waitReady(ctx context.Context, c Config) error {
	deadline := time.Now().Add(time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, "GET", c.Base+"/readyz", nil)
		if err != nil {
			return err
		}
		resp, err := c.Client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz did not answer 200 within a minute", c.Base)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func signIn(ctx context.Context, c Config) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": c.Username, "password": c.Password})
	req, err := http.NewRequestWithContext(ctx, "POST", c.Base+"/api/v1/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil || out.Token == "" {
		return "", fmt.Errorf("signing in as %s: %s", c.Username, resp.Status)
	}
	return out.Token, nil
}

// sample reads up to pages pages of a list and keeps the ids.
func sample(ctx context.Context, c Config, tok, path string, pages int) ([]int64, error) {
	var ids []int64
	cursor := ""
	for range pages {
		u := c.Base + path
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.Client.Do(req)
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("GET %s: %v", path, err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	return ids, nil
}

// Write prints a report as a table.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "%-16s %9s %9s %9s %9s %9s %9s %7s %9s  %s\n", "requests", "count", "req/s", "ok/s", "p50", "p90", "p99", "failed", "bytes", "statuses")
	line := func(f Figures) {
		var codes []string
		for k, v := range f.Statuses {
			codes = append(codes, k+":"+strconv.Itoa(v))
		}
		sort.Strings(codes)
		fmt.Fprintf(w, "%-16s %9d %9.0f %9.0f %9s %9s %9s %7d %9.0f  %s\n", f.Name, f.Requests, f.Rate, f.Throughput,
			round(f.P50), round(f.P90), round(f.P99), f.Failed, f.BytesIn, strings.Join(codes, " "))
	}
	if r.Floor != nil {
		line(*r.Floor)
	}
	line(r.Mix)
	for _, k := range r.Kinds {
		line(k)
	}
	if r.Floor != nil && r.Floor.Throughput > 0 {
		fmt.Fprintf(w, "mix throughput / floor throughput = %.2f\n", r.Mix.Throughput/r.Floor.Throughput)
	}
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
