package loadtest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/demo"
	"easyjob/internal/loadtest"
	"easyjob/internal/store/storetest"
)

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80", "http://127.1.2.3"} {
		if err := loadtest.Loopback(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1", "http://192.168.1.1:8080", "http://example.com", "ftp://127.0.0.1", "127.0.0.1:8080", "http://0.0.0.0"} {
		if err := loadtest.Loopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := loadtest.Run(context.Background(), loadtest.Config{Base: "http://10.1.2.3", Duration: time.Second}); err == nil {
		t.Error("Run went off the machine")
	}
}

// A short run of the write mix against the demo: every kind of request is
// sent and answered, none fails, and the report names them.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo")
	}
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB = storetest.SQLiteURL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Store.Password = storetest.FastPassword
	if _, err := demo.Load(ctx, a.Store, demo.Options{Seed: 1, Postings: 40, Seekers: 300, Password: "easyjob-demo"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Store.Matching.Ready(ctx); err != nil { // serve builds at start
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	rep, err := loadtest.Run(ctx, loadtest.Config{Base: srv.URL, Username: "demo-officer", Password: "easyjob-demo",
		Mix: loadtest.WriteMix(), Rate: 100, Workers: 8, Duration: time.Second, Floor: true, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Floor == nil || rep.Floor.Requests == 0 || rep.Mix.Requests < 50 {
		t.Fatalf("floor %+v, mix %+v", rep.Floor, rep.Mix)
	}
	if rep.Mix.Failed != 0 {
		t.Fatalf("%d failed: %v", rep.Mix.Failed, rep.Mix.Statuses)
	}
	var sent int
	for _, k := range rep.Kinds {
		sent += int(k.Requests)
		if k.Requests == 0 {
			t.Errorf("no %s requests", k.Name)
		}
	}
	if uint64(sent) != rep.Mix.Requests {
		t.Errorf("kinds add up to %d of %d", sent, rep.Mix.Requests)
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, want := range []string{"healthz", "recommendations", "apply", "/ floor"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
