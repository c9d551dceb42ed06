package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"easyjob/internal/config"
	"easyjob/internal/store/storetest"
)

// post sends a JSON body from one client address (a spoofed X-Forwarded-For
// when xff is set) and returns the status and the Retry-After header.
func (c *client) post(path string, body any, xff string) (int, string) {
	c.t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.url+"/api/v1"+path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Error(err)
		return 0, ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// #10.1 and #10.4: one client sending 40 sign-ins at once for unknown
// usernames gets SignInPerMinute of them checked; the rest are answered
// 429 with Retry-After before any password is hashed. A forged
// X-Forwarded-For does not make a new client.
func TestSignInsPerClientAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k) // root signed in: one attempt spent
		per := config.Defaults().SignInPerMinute
		checks := e.app.Store.Hashing.Checks()
		var mu sync.Mutex
		got := map[string]int{}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				status, retry := e.anon.post("/login", map[string]string{"username": fmt.Sprintf("nobody-%d", i), "password": "wrong-password"},
					fmt.Sprintf("203.0.113.%d", i))
				if status == http.StatusTooManyRequests {
					if n, err := strconv.Atoi(retry); err != nil || n < 1 {
						status = -1 // 429 without Retry-After
					}
				}
				mu.Lock()
				got[strconv.Itoa(status)]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if got["401"] != per-1 || got["429"] != 40-(per-1) {
			t.Fatalf("answers by status %v: want %d checked (401) and the rest 429 with Retry-After", got, per-1)
		}
		if n := e.app.Store.Hashing.Checks() - checks; n != int64(per-1) {
			t.Fatalf("%d passwords hashed, want %d", n, per-1)
		}
		if p := e.app.Store.Hashing.Peak(); p > int64(e.app.Store.Hashing.Slots()) {
			t.Fatalf("%d hashes at once, more than the %d slots", p, e.app.Store.Hashing.Slots())
		}
	})
}

// #10.4: one client cannot have codes sent to any number of phones (SMS
// pumping): after CodesPerHour requests it is answered 429.
func TestCodeRequestsPerClientAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		per := config.Defaults().CodesPerHour
		for i := range per + 2 {
			status, retry := e.anon.post("/login/code", map[string]string{"phone": fmt.Sprintf("1390000%04d", i)}, "")
			switch {
			case i < per && status != http.StatusAccepted:
				t.Fatalf("code request %d: %d", i+1, status)
			case i >= per && (status != http.StatusTooManyRequests || retry == ""):
				t.Fatalf("code request %d: %d, Retry-After %q; want 429 with Retry-After", i+1, status, retry)
			}
		}
		// Nothing was written for the refused requests.
		msgs, err := e.app.Store.Outbox(t.Context(), fmt.Sprintf("1390000%04d", per), 1)
		if err != nil || len(msgs) != 0 {
			t.Fatalf("a refused request sent %v (%v)", msgs, err)
		}
	})
}
