package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"easyjob/internal/config"
	"easyjob/internal/store/storetest"
)

// #10.1 and #10.4: the sign-in pages share the per-client limits: beyond
// them a page answers 429 with Retry-After and says when to try again.
func TestSignInPagesAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		_, base := bootWeb(t, k)
		b := &browser{t: t, url: base, c: &http.Client{}, lang: "en"}
		send := func(path string, form url.Values) (int, string, string) {
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			status, body, h := b.do(req)
			return status, string(body), h.Get("Retry-After")
		}
		cfg := config.Defaults()
		for i := range cfg.SignInPerMinute + 1 {
			status, body, retry := send("/login", url.Values{"username": {fmt.Sprint("nobody-", i)}, "password": {"wrong-password"}})
			if i < cfg.SignInPerMinute && (status != http.StatusUnauthorized || retry != "") {
				t.Fatalf("sign-in %d: %d %q", i+1, status, retry)
			}
			if i == cfg.SignInPerMinute && (status != http.StatusTooManyRequests || retry == "" ||
				!strings.Contains(body, "Too many requests from here; try again in "+retry+" seconds.")) {
				t.Fatalf("sign-in %d: %d, Retry-After %q", i+1, status, retry)
			}
		}
		// Code sign-ins draw on the same budget.
		if status, _, retry := send("/seeker/login", url.Values{"phone": {"13900000000"}, "code": {"123456"}}); status != http.StatusTooManyRequests || retry == "" {
			t.Fatalf("code sign-in: %d %q", status, retry)
		}
		// Code requests have their own.
		for i := range cfg.CodesPerHour + 1 {
			status, _, retry := send("/seeker/login/code", url.Values{"phone": {fmt.Sprintf("1390000%04d", i)}})
			if (i < cfg.CodesPerHour && status != http.StatusOK) || (i == cfg.CodesPerHour && (status != http.StatusTooManyRequests || retry == "")) {
				t.Fatalf("code request %d: %d %q", i+1, status, retry)
			}
		}
	})
}
