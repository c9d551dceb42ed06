package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"easyjob/internal/api"
	"easyjob/internal/store/storetest"
)

// nulValue builds a JSON value of type t whose first string (depth first)
// holds a NUL, and returns the JSON path CheckText names it by; ok is false
// when t holds no string.
func nulValue(t reflect.Type) (v any, path string, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a\x00b", "", true
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil, "", false
		}
		if v, p, ok := nulValue(t.Elem()); ok {
			return []any{v}, p, true
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			if v, p, ok := nulValue(t.Elem()); ok {
				return map[string]any{"k": v}, join("k", p), true
			}
		}
	case reflect.Struct:
		if t.PkgPath() == "time" || t.Name() == "Date" {
			return nil, "", false
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" || (!sf.IsExported() && !sf.Anonymous) {
				continue
			}
			v, p, ok := nulValue(sf.Type)
			if !ok {
				continue
			}
			if sf.Anonymous && name == "" {
				return v, p, true // promoted: the inner object is this one
			}
			if name == "" {
				name = sf.Name
			}
			return map[string]any{name: v}, join(name, p), true
		}
	}
	return nil, "", false
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + "." + b
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// Every body of every route, and every query parameter, refuses a NUL with
// a 422 naming the field, before any query runs: never a 500 (PostgreSQL
// refuses NUL in text), never stored (SQLite would keep it). Anonymous
// sign-in and sign-up bodies too.
func TestControlCharactersRefused(t *testing.T) {
	routes := (&api.Handler{}).Table()
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		bodies := 0
		for _, rt := range routes {
			path := pathParam.ReplaceAllString(rt.Path, "1")
			c := e.admin
			if rt.Public {
				c = e.anon
			}
			if (rt.Method == "POST" || rt.Method == "PUT") && rt.In != nil {
				v, field, ok := nulValue(reflect.TypeOf(rt.In))
				if ok {
					bodies++
					status, out := c.do(rt.Method, path, v)
					if status != 422 || fieldsOf(out)[field] == "" {
						t.Errorf("%s %s with a NUL in %s: %d %v", rt.Method, rt.Path, field, status, out)
					}
				}
			}
			param := "x"
			if len(rt.Query) > 0 {
				param = rt.Query[0]
			}
			for _, bad := range []string{"a\x00b", "\x1b[2J", "\x7f", "\xff\xfe"} {
				status, out := c.do(rt.Method, path+"?"+url.Values{param: {bad}}.Encode(), nil)
				if status != 422 || fieldsOf(out)[param] == "" {
					t.Errorf("%s %s?%s=%q: %d %v", rt.Method, rt.Path, param, bad, status, out)
				}
			}
		}
		if bodies < 15 {
			t.Fatalf("only %d bodies with strings", bodies)
		}
		// Escape sequences and DEL in a title are refused too, not stored;
		// tabs and line ends are text.
		for _, s := range []string{"\x1b[31mred", "a\x7f", "a\u009b31m"} {
			status, out := e.anon.do("POST", "/login", map[string]string{"username": s, "password": "x"})
			if status != 422 || fieldsOf(out)["username"] == "" {
				t.Errorf("username %q: %d %v", s, status, out)
			}
		}
		if status, out := e.anon.do("POST", "/login", map[string]string{"username": "no\tsuch\r\nuser", "password": "x"}); status != 401 {
			t.Errorf("tab and line ends: %d %v", status, out)
		}
	})
}

func fieldsOf(out map[string]any) map[string]string {
	res := map[string]string{}
	e, _ := out["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	for k, v := range f {
		res[k], _ = v.(string)
	}
	return res
}

// A value that does not fit its field — an impossible date, a time that is
// not one, a word for a number, in the top level, in an embedded struct or
// deeper — is a 422 that names the field, like every other type error.
func TestTypeErrorsNameTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.anon.lang = "zh-CN"
		e.admin.lang = "en"
		cases := []struct {
			method, path, body, field, msg string
		}{
			{"POST", "/postings", `{"title":"x","start_date":"2026-02-30"}`, "start_date", "Not a valid date"},
			{"POST", "/postings", `{"closing_date":"2026-13-01"}`, "closing_date", "Not a valid date"},
			{"POST", "/postings", `{"headcount":"twenty"}`, "headcount", "Wrong type"},
			{"PUT", "/postings/1", `{"pay_min":1.5}`, "pay_min", "Wrong type"},
			{"POST", "/seekers", `{"consent_at":"2026-02-30T08:00:00+08:00"}`, "consent_at", "Not a valid time"},
			{"POST", "/seekers", `{"trades":["6-25-04-02",7]}`, "trades", "Wrong type"},
			{"POST", "/seekers", `{"available_from":"2026-2-3"}`, "available_from", "Not a valid date"},
			{"POST", "/plans/preview", `{"date":"2026-02-29"}`, "date", "Not a valid date"},
		}
		for _, c := range cases {
			status, out := e.admin.do(c.method, c.path, c.body)
			if status != 422 || !strings.Contains(fieldsOf(out)[c.field], c.msg) {
				t.Errorf("%s %s %s: %d %v", c.method, c.path, c.body, status, out)
			}
		}
		// In the user's language.
		status, out := e.anon.do("POST", "/employers", `{"name":5}`)
		if status != 422 || !strings.Contains(fieldsOf(out)["name"], "类型") {
			t.Errorf("zh-CN: %d %v", status, out)
		}
		// Bodies that are not JSON stay 400.
		for _, b := range []string{`{"title":`, `{"title" "x"}`, `nonsense`} {
			if status, out := e.admin.do("POST", "/postings", b); status != 400 {
				t.Errorf("%s: %d %v", b, status, out)
			}
		}
	})
}

// While the database does not answer, a good token is not thrown away: the
// token check and the data routes answer 503 with Retry-After, as JSON for
// the API and as a page for the pages.
func TestDatabaseDownIs503(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.admin.must(200, "GET", "/me", nil)
		if err := e.app.DB.Close(); err != nil {
			t.Fatal(err)
		}
		check := func(what string, req *http.Request, wantJSON bool) {
			t.Helper()
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s: %d, Retry-After %q", what, resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("%s took %v", what, time.Since(start))
			}
			if wantJSON {
				var body struct {
					Error struct{ Code, Message string }
				}
				json.NewDecoder(resp.Body).Decode(&body)
				if body.Error.Code != "unavailable" || body.Error.Message == "" {
					t.Errorf("%s: %+v", what, body)
				}
			}
		}
		api := func(method, path, token, body string) *http.Request {
			req, _ := http.NewRequest(method, e.anon.url+"/api/v1"+path, strings.NewReader(body))
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			return req
		}
		check("the token check", api("GET", "/me", e.admin.token, ""), true)
		check("a data route with a token", api("GET", "/employers", e.admin.token, ""), true)
		check("a data route without a token", api("POST", "/login", "", `{"username":"root","password":"root-password"}`), true)
		page, _ := http.NewRequest("GET", e.anon.url+"/officer", nil)
		page.AddCookie(&http.Cookie{Name: "easyjob_session", Value: e.admin.token})
		check("a page with a session", page, false)
	})
}

// numberFields lists the JSON paths of the numbers in t (top level and
// embedded structs).
func numberFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			out = append(out, numberFields(sf.Type)...)
			continue
		}
		switch sf.Type.Kind() {
		case reflect.Int, reflect.Int64, reflect.Float64:
		case reflect.Pointer:
			if sf.Type.Elem().Kind() != reflect.Float64 {
				continue
			}
		default:
			continue
		}
		out = append(out, name)
	}
	return out
}

// No number of any body is a 500 or taken as it is when it is far out of
// range: 3,000,000,000 (past PostgreSQL's INTEGER), its negative, and
// 1e300. An offer of 3,000,000,000 CNY a month names the pay.
func TestNumbersOutOfRange(t *testing.T) {
	routes := (&api.Handler{}).Table()
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		for _, rt := range routes {
			if rt.In == nil || (rt.Method != "POST" && rt.Method != "PUT") {
				continue
			}
			path := pathParam.ReplaceAllString(rt.Path, "1")
			c := e.admin
			if rt.Public {
				c = e.anon
			}
			for _, field := range numberFields(reflect.TypeOf(rt.In)) {
				for _, v := range []string{"3000000000", "-3000000000", "1e300"} {
					status, out := c.do(rt.Method, path, `{"`+field+`":`+v+`}`)
					if status >= 500 || status < 300 {
						t.Errorf("%s %s with %s = %s: %d %v", rt.Method, rt.Path, field, v, status, out)
					}
				}
			}
		}
	})
}
