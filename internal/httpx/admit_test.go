package httpx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"easyjob/internal/httpx"
)

// door is an Admission whose refusals are written the way the server
// writes them (httpx.Errors, JSON under /api/).
func door(n int, wait time.Duration) *httpx.Admission {
	errs := httpx.Errors{}
	return httpx.NewAdmission(n, wait, func(r *http.Request) bool { return r.URL.Path == "/healthz" }, errs.Write)
}

// waitFor polls cond: the door's counters move on other goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestAdmissionWorksOnAtMostN(t *testing.T) {
	const n, requests = 3, 40
	var now, most atomic.Int64
	gate := make(chan struct{})
	d := door(n, time.Minute)
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := now.Add(1)
		for m := most.Load(); c > m && !most.CompareAndSwap(m, c); m = most.Load() {
		}
		<-gate
		now.Add(-1)
	}))
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/postings", nil)) })
	}
	waitFor(t, "the door to fill", func() bool { return d.Active() == n && d.Waiting() == requests-n })
	close(gate)
	wg.Wait()
	if most.Load() != n {
		t.Fatalf("%d requests were worked on at once, want %d", most.Load(), n)
	}
	if d.Active() != 0 || d.Waiting() != 0 {
		t.Fatalf("after all: %d active, %d waiting", d.Active(), d.Waiting())
	}
}

func TestAdmissionFirstComeFirstServed(t *testing.T) {
	d := door(1, time.Minute)
	var mu sync.Mutex
	var order []string
	hold := make(chan struct{})
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			<-hold
			return
		}
		mu.Lock()
		order = append(order, r.URL.Path)
		mu.Unlock()
	}))
	var wg sync.WaitGroup
	wg.Go(func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", "/hold", nil)) })
	waitFor(t, "the place to be taken", func() bool { return d.Active() == 1 })
	want := []string{"/a", "/b", "/c", "/d"}
	for i, p := range want {
		wg.Go(func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil)) })
		waitFor(t, p+" to wait", func() bool { return d.Waiting() == int64(i+1) })
	}
	close(hold)
	wg.Wait()
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("worked on in the order %v, want %v", order, want)
	}
}

func TestAdmissionAnswersBusyAfterWaiting(t *testing.T) {
	d := door(1, 20*time.Millisecond)
	hold := make(chan struct{})
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			<-hold
		}
	}))
	done := make(chan struct{})
	go func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", "/hold", nil)); close(done) }()
	waitFor(t, "the place to be taken", func() bool { return d.Active() == 1 })
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("GET", "/api/v1/postings", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "unavailable" || body.Error.Message != "error.busy" {
		t.Fatalf("body %s (%v)", rec.Body, err)
	}
	// A health probe never waits.
	rec = httptest.NewRecorder()
	d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }))(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 299 {
		t.Fatalf("/healthz behind a full door: %d", rec.Code)
	}
	close(hold)
	<-done
}

// slowBody sends its first bytes, then the rest only when told.
type slowBody struct {
	first []byte
	rest  chan []byte
}

func (s *slowBody) Read(p []byte) (int, error) {
	if len(s.first) > 0 {
		n := copy(p, s.first)
		s.first = s.first[n:]
		return n, nil
	}
	b, ok := <-s.rest
	if !ok {
		return 0, io.EOF
	}
	return copy(p, b), nil
}

func TestAdmissionSlowBodyHoldsNoPlace(t *testing.T) {
	d := door(1, 2*time.Second)
	got := make(chan string, 2)
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		got <- r.URL.Path + " " + string(b)
	}))
	slow := &slowBody{first: []byte(`{"a":`), rest: make(chan []byte)}
	req := httptest.NewRequest("POST", "/slow", io.NopCloser(slow))
	req.ContentLength = -1
	done := make(chan struct{})
	go func() { h(httptest.NewRecorder(), req); close(done) }()
	// While the slow client still sends, another request is worked on.
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("POST", "/fast", strings.NewReader(`{}`)))
	if rec.Code != http.StatusOK {
		close(slow.rest)
		t.Fatalf("a request behind one still sending its body: %d", rec.Code)
	}
	if g := <-got; g != "/fast {}" {
		t.Fatalf("got %q first", g)
	}
	if d.Active() != 0 {
		t.Fatalf("a request sending its body holds a place")
	}
	slow.rest <- []byte(`1}`)
	close(slow.rest)
	<-done
	if g := <-got; g != `/slow {"a":1}` {
		t.Fatalf("the slow body arrived as %q", g)
	}
}

func TestAdmissionLargeBodyGoesInWhole(t *testing.T) {
	d := door(1, 20*time.Millisecond)
	hold := make(chan struct{})
	var got atomic.Int64
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			<-hold
			return
		}
		b, _ := io.ReadAll(r.Body)
		got.Store(int64(len(b)))
		if strings.Trim(string(b), "x") != "" {
			t.Error("the body changed on its way")
		}
	}))
	done := make(chan struct{})
	go func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", "/hold", nil)); close(done) }()
	waitFor(t, "the place to be taken", func() bool { return d.Active() == 1 })
	for _, size := range []int{httpx.PrereadMax + 1, 3 * httpx.PrereadMax} {
		// An upload: unknown length, read in full by the handler.
		req := httptest.NewRequest("POST", "/upload", io.NopCloser(strings.NewReader(strings.Repeat("x", size))))
		req.ContentLength = -1
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusOK || got.Load() != int64(size) {
			t.Fatalf("upload of %d bytes: status %d, read %d", size, rec.Code, got.Load())
		}
	}
	close(hold)
	<-done
}

func TestAdmissionGivesThePlaceBackAtTheFirstByte(t *testing.T) {
	d := door(1, 2*time.Second)
	wrote := make(chan struct{})
	finish := make(chan struct{})
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			w.Write([]byte("first"))
			close(wrote)
			<-finish
		}
	}))
	done := make(chan struct{})
	go func() { h(httptest.NewRecorder(), httptest.NewRequest("GET", "/stream", nil)); close(done) }()
	<-wrote
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("GET", "/next", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("the next request: %d", rec.Code)
	}
	close(finish)
	<-done
	if d.Active() != 0 {
		t.Fatalf("%d places still taken", d.Active())
	}
}

func TestAdmissionPassesABodyReadError(t *testing.T) {
	d := door(1, time.Minute)
	var err error
	h := d.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, err = io.ReadAll(r.Body) }))
	req := httptest.NewRequest("POST", "/x", io.NopCloser(io.MultiReader(strings.NewReader("ab"), errReader{})))
	req.ContentLength = 10
	h(httptest.NewRecorder(), req)
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("the handler read %v, want the body's own error", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
