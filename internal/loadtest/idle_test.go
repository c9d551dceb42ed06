package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// The idle measure reads the server's own CPU counter before and after.
func TestIdle(t *testing.T) {
	var reads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/readyz":
			fmt.Fprint(w, `{"status":"ready"}`)
		case "/metrics":
			n := reads.Add(1)
			fmt.Fprintf(w, "# HELP process_cpu_seconds_total x\nprocess_cpu_seconds_total %g\ngo_goroutines 7\n", 10+0.05*float64(n-1))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rep, err := Idle(context.Background(), IdleConfig{Base: srv.URL, Metrics: srv.URL + "/metrics", Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := rep.CPU - 50*time.Millisecond; d < -time.Millisecond || d > time.Millisecond || rep.Wall < 200*time.Millisecond {
		t.Fatalf("report %+v", rep)
	}
	if _, err := Idle(context.Background(), IdleConfig{Base: srv.URL, Metrics: "http://192.0.2.1/metrics", Duration: time.Second}); err == nil {
		t.Fatal("a metrics address off this machine was accepted")
	}
}
