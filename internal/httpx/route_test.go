package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"easyjob/internal/easyjob"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A signed-in request is counted and logged under the pattern it matched:
// Authenticate hands the mux a copy of the request, so the pattern comes
// back through Routed. Unknown paths stay "unmatched", and a panicking
// handler keeps its route.
func TestRouteLabel(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /seekers/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	lookup := func(ctx context.Context, tok string) (easyjob.User, error) {
		return easyjob.User{ID: 7, Role: easyjob.RoleOfficer}, nil
	}
	var logs bytes.Buffer
	m := NewMetrics(prometheus.NewRegistry())
	h := Middleware(slog.New(slog.NewJSONHandler(&logs, nil)), m, Authenticate(lookup, Routed(mux)))
	for _, c := range []struct {
		path, token, route string
		status             int
	}{
		{"/seekers/12", "tok", "GET /seekers/{id}", 204},
		{"/seekers/13", "", "GET /seekers/{id}", 204}, // anonymous
		{"/nowhere", "tok", "unmatched", 404},
		{"/boom", "tok", "GET /boom", 500},
	} {
		logs.Reset()
		req := httptest.NewRequest("GET", c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.path, w.Code, c.status)
		}
		var line struct {
			Route string `json:"route"`
		}
		if err := json.Unmarshal(bytes.TrimSpace(lastLine(logs.Bytes())), &line); err != nil || line.Route != c.route {
			t.Errorf("%s: logged route %q (%v), want %q", c.path, line.Route, err, c.route)
		}
	}
	if n := testutil.ToFloat64(m.requests.WithLabelValues("GET /seekers/{id}", "204")); n != 2 {
		t.Errorf("GET /seekers/{id} counted %v times, want 2", n)
	}
	if n := testutil.ToFloat64(m.requests.WithLabelValues("unmatched", "404")); n != 1 {
		t.Errorf("unmatched counted %v times, want 1", n)
	}
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}
