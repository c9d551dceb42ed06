package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// IdleConfig measures what a server costs while nobody uses it: the CPU
// time its process reports (process_cpu_seconds_total on its metrics
// address) over Duration, once it is ready and Settle has passed.
type IdleConfig struct {
	Base     string // the server, for /readyz
	Metrics  string // its /metrics address (serve --metrics-addr)
	Token    string // EASYJOB_METRICS_TOKEN, if the server asks for one
	Duration time.Duration
	Settle   time.Duration
	Client   *http.Client
}

// IdleReport is the CPU time used over the wall time.
type IdleReport struct {
	Wall time.Duration
	CPU  time.Duration
}

// Share is the part of one core used.
func (r IdleReport) Share() float64 { return r.CPU.Seconds() / r.Wall.Seconds() }

func (r IdleReport) Write(w io.Writer) {
	fmt.Fprintf(w, "idle: %.2f s of CPU in %.0f s = %.2f%% of a core\n", r.CPU.Seconds(), r.Wall.Seconds(), 100*r.Share())
}

// Idle waits for the server to be ready, lets it settle and measures.
func Idle(ctx context.Context, c IdleConfig) (IdleReport, error) {
	var rep IdleReport
	for _, u := range []string{c.Base, c.Metrics} {
		if err := Loopback(u); err != nil {
			return rep, err
		}
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		return rep, fmt.Errorf("duration %v: want more than 0 and at most %v", c.Duration, MaxDuration)
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if err := waitReady(ctx, Config{Base: c.Base, Client: c.Client}); err != nil {
		return rep, err
	}
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-time.After(c.Settle):
	}
	cpu0, err := processCPU(ctx, c)
	if err != nil {
		return rep, err
	}
	t0 := time.Now()
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-time.After(c.Duration):
	}
	cpu1, err := processCPU(ctx, c)
	if err != nil {
		return rep, err
	}
	rep.Wall = time.Since(t0)
	rep.CPU = time.Duration((cpu1 - cpu0) * float64(time.Second))
	return rep, nil
}

// processCPU reads process_cpu_seconds_total from the metrics address.
func processCPU(ctx context.Context, c IdleConfig) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.Metrics, nil)
	if err != nil {
		return 0, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", c.Metrics, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no process_cpu_seconds_total", c.Metrics)
}
