package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// client talks to a test server as one signed-in user.
type client struct {
	t     *testing.T
	url   string
	token string
	lang  string
	hc    *http.Client // checks every request and answer against the OpenAPI document
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.url+"/api/v1"+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && raw[0] == '[' {
		c.t.Fatalf("%s %s answered a bare array; lists answer {items, next_cursor}", method, path)
	}
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (c *client) must(status int, method, path string, body any) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, body)
	if got != status {
		c.t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, status, out)
	}
	return out
}

func (c *client) as(token string) *client {
	return &client{t: c.t, url: c.url, token: token, lang: c.lang, hc: c.hc}
}

// in is c asking for answers in lang (through the same checking client).
func (c *client) in(lang string) *client {
	return &client{t: c.t, url: c.url, token: c.token, lang: lang, hc: c.hc}
}

func (c *client) login(user, pw string) *client {
	c.t.Helper()
	out := c.must(200, "POST", "/login", map[string]string{"username": user, "password": pw})
	return c.as(out["token"].(string))
}

type env struct {
	anon  *client
	app   *app.App
	admin *client
	check *checker
}

func boot(t *testing.T, k storetest.Kind) *env {
	t.Helper()
	return bootWith(t, k, nil)
}

// bootWith boots with settings changed by set (nil: the defaults).
func bootWith(t *testing.T, k storetest.Kind, set func(*config.Config)) *env {
	t.Helper()
	cfg := config.Defaults()
	if set != nil {
		set(&cfg)
	}
	cfg.DB = k.URL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.Store.Password = storetest.FastPassword
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	if _, err := a.Store.CreateUser(context.Background(), easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll},
		store.NewUser{Username: "root", Password: "root-password", Name: "Root", Role: easyjob.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	check := newChecker(t, srv.URL)
	e := &env{anon: &client{t: t, url: srv.URL, hc: &http.Client{Transport: check}}, app: a, check: check}
	e.admin = e.anon.login("root", "root-password")
	return e
}

func id(m map[string]any) int64 { return int64(m["id"].(float64)) }

func (e *env) codeFor(phone string) string {
	e.anon.t.Helper()
	msgs, err := e.app.Store.Outbox(context.Background(), phone, 1)
	if err != nil || len(msgs) == 0 {
		e.anon.t.Fatalf("no message to %s: %v", phone, err)
	}
	return regexp.MustCompile(`\d{6}`).FindString(msgs[0].Body)
}

// Every role does its daily work through the API, on both databases.
func TestDailyWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		admin := e.admin
		admin.must(201, "POST", "/users", map[string]any{"username": "longgang", "password": "longgang-pass", "name": "龙岗区人社局", "role": "officer", "region": "440307"})
		admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		district := e.anon.login("longgang", "longgang-pass")
		station := e.anon.login("napo", "napo-station")

		// An employer registers; its postings wait for verification.
		emp := storetest.EmployerInput()
		out := e.anon.must(201, "POST", "/employers", map[string]any{
			"name": emp.Name, "credit_code": emp.CreditCode, "district": emp.District, "street": emp.Street,
			"address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
			"industry": emp.Industry, "username": "factory", "password": "factory-pass"})
		empID := id(out["employer"].(map[string]any))
		boss := e.anon.login("factory", "factory-pass")
		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 7).Format(time.DateOnly)
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		posting := map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 3, "pay_min": 5200,
			"pay_max": 6800, "dorm": true, "meals": true, "shift": "two_shifts", "social_insurance": true,
			"start_date": start, "closing_date": closing, "district": "440307", "street": "440307018",
			"address": "甘李路 8 号", "description": "入职不收任何费用。"}
		p := boss.must(201, "POST", "/postings", posting)
		pid := id(p)
		if p["status"] != "pending_review" || len(p["checks"].([]any)) != 1 { // pay day missing: a warning
			t.Fatalf("posting %v", p)
		}
		if msg := p["checks"].([]any)[0].(map[string]any)["message"]; !strings.Contains(msg.(string), "发薪日") {
			t.Fatalf("check message %v", msg)
		}
		// Not yet verified: approval is refused; after verification it works.
		district.must(409, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve"})
		district.must(200, "POST", "/employers/"+itoa(empID)+"/review", map[string]string{"decision": "verify"})
		district.must(200, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve", "comment": "ok"})
		reviews := boss.must(200, "GET", "/postings/"+itoa(pid)+"/reviews", nil)
		if len(reviews["items"].([]any)) != 1 {
			t.Fatalf("reviews %v", reviews)
		}
		// Published postings are public.
		list := e.anon.must(200, "GET", "/postings?limit=5", nil)
		if len(list["items"].([]any)) != 1 {
			t.Fatalf("public list %v", list)
		}

		// A station registers a seeker with consent.
		sk := storetest.SeekerInput()
		in := map[string]any{"name": sk.Name, "id_number": sk.IDNumber, "phone": sk.Phone, "trades": sk.Trades,
			"expected_pay": 4800, "wants_dorm": true, "wants_meals": true, "consent_method": "signed"}
		seeker := station.must(201, "POST", "/seekers", in)
		sid := id(seeker)
		if seeker["id_number"] == sk.IDNumber || !strings.Contains(seeker["id_number"].(string), "**") {
			t.Fatalf("ID number not masked: %v", seeker["id_number"])
		}
		station.must(422, "POST", "/seekers", in) // the same ID twice
		station.must(200, "POST", "/seekers/"+itoa(sid)+"/health", map[string]string{"health": "green"})
		station.must(200, "POST", "/seekers/"+itoa(sid)+"/poor", map[string]bool{"registered_poor": true})

		// The employer cannot see a seeker who has not applied.
		boss.must(404, "GET", "/seekers/"+itoa(sid), nil)

		// The seeker signs in with a code from the outbox and applies.
		e.anon.must(202, "POST", "/login/code", map[string]string{"phone": sk.Phone})
		e.anon.must(429, "POST", "/login/code", map[string]string{"phone": sk.Phone}) // once a minute
		bad := e.anon.must(422, "POST", "/login", map[string]string{"phone": sk.Phone, "code": "000000"})
		_ = bad
		out = e.anon.must(200, "POST", "/login", map[string]string{"phone": sk.Phone, "code": e.codeFor(sk.Phone)})
		me := e.anon.as(out["token"].(string))
		if u := out["user"].(map[string]any); int64(u["seeker_id"].(float64)) != sid {
			t.Fatalf("seeker user %v", u)
		}
		app := me.must(201, "POST", "/postings/"+itoa(pid)+"/apply", nil)
		aid := id(app)

		// Now the employer sees name and phone, and the view is audited.
		view := boss.must(200, "GET", "/seekers/"+itoa(sid), nil)
		if view["name"] != sk.Name || view["phone"] != sk.Phone {
			t.Fatalf("employer view %v", view)
		}
		boss.must(200, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "shortlisted"})
		boss.must(200, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "offered", "start_date": start, "pay": 5200})
		me.must(200, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "accepted"})
		got := boss.must(200, "GET", "/postings/"+itoa(pid), nil)
		if got["filled"].(float64) != 1 {
			t.Fatalf("filled %v", got["filled"])
		}
		// The seeker cannot mark themselves arrived.
		me.must(409, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "arrived"})
		station.must(200, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "departed"})
		boss.must(200, "POST", "/applications/"+itoa(aid)+"/transition", map[string]any{"to": "arrived"})
		evs := boss.must(200, "GET", "/applications/"+itoa(aid)+"/events", nil)
		if len(evs["items"].([]any)) != 6 {
			t.Fatalf("events %v", evs)
		}
		mine := me.must(200, "GET", "/applications", nil)
		if len(mine["items"].([]any)) != 1 {
			t.Fatalf("my applications %v", mine)
		}
		// An officer reveals the ID number with a reason; the audit log shows who saw what.
		full := station.must(200, "GET", "/seekers/"+itoa(sid)+"?reveal=核对乘车身份", nil)
		if full["id_number"] != sk.IDNumber {
			t.Fatalf("reveal %v", full["id_number"])
		}
		audit := station.must(200, "GET", "/seekers/"+itoa(sid)+"/audit", nil)
		actions := []string{}
		for _, it := range audit["items"].([]any) {
			actions = append(actions, it.(map[string]any)["action"].(string))
		}
		if strings.Join(actions, ",") != "view_id_number,view_contact,set_health,view_contact" {
			t.Fatalf("audit %v", actions)
		}
		// The OpenAPI document lists the operations.
		doc := e.anon.must(200, "GET", "/openapi.json", nil)
		if doc["openapi"] != "3.1.0" || len(doc["paths"].(map[string]any)) < 20 {
			t.Fatalf("openapi %v", doc["openapi"])
		}
	})
}

func itoa(n int64) string { return strconvI(n) }

// Bad input gets field-level messages in the user's language and writes nothing.
func TestBadInput(t *testing.T) {
	e := boot(t, storetest.Kinds()[0])
	admin := e.admin
	admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡", "role": "officer", "region": "451026"})
	station := e.anon.login("napo", "napo-station")
	good := storetest.SeekerInput()
	valid := func() map[string]any {
		return map[string]any{"name": good.Name, "id_number": good.IDNumber, "phone": good.Phone, "trades": good.Trades, "consent_method": "verbal"}
	}
	wrongCheck := good.IDNumber[:17] + string(otherCheck(good.IDNumber[17]))
	future := ident.GenerateResidentID("451026", time.Now().AddDate(1, 0, 0), 1, true)
	impossible := ident.GenerateResidentID("451026", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 1, true)
	impossible = impossible[:10] + "0230" + impossible[14:17]
	if c, err := ident.ResidentIDCheckChar(impossible); err == nil {
		impossible += string(c)
	}
	cases := []struct {
		name, field, lang, want string
		edit                    func(m map[string]any)
	}{
		{"wrong check character", "id_number", "zh-CN", "校验位", func(m map[string]any) { m["id_number"] = wrongCheck }},
		{"wrong check character en", "id_number", "en", "check character", func(m map[string]any) { m["id_number"] = wrongCheck }},
		{"impossible birth date", "id_number", "zh-CN", "出生日期", func(m map[string]any) { m["id_number"] = impossible }},
		{"born in the future", "id_number", "zh-CN", "出生日期", func(m map[string]any) { m["id_number"] = future }},
		{"short ID", "id_number", "zh-CN", "18 位", func(m map[string]any) { m["id_number"] = "4510261990" }},
		{"not a mainland mobile", "phone", "zh-CN", "手机号", func(m map[string]any) { m["phone"] = "85291234567" }},
		{"landline", "phone", "en", "mobile", func(m map[string]any) { m["phone"] = "0755-88888888" }},
		{"unknown occupation", "trades", "zh-CN", "职业分类", func(m map[string]any) { m["trades"] = []string{"9-99-99-99"} }},
		{"no consent", "consent_method", "zh-CN", "同意", func(m map[string]any) { delete(m, "consent_method") }},
		{"wrong type", "expected_pay", "en", "Wrong type", func(m map[string]any) { m["expected_pay"] = "lots" }},
		{"unknown field", "salary", "en", "Unknown field", func(m map[string]any) { m["salary"] = 1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := valid()
			c.edit(m)
			station.lang = c.lang
			status, out := station.do("POST", "/seekers", m)
			if status != 422 {
				t.Fatalf("status %d: %v", status, out)
			}
			msg, _ := out["error"].(map[string]any)["fields"].(map[string]any)[c.field].(string)
			if !strings.Contains(msg, c.want) {
				t.Fatalf("fields %v: want %q in %s", out["error"], c.want, c.field)
			}
		})
	}
	station.lang = ""
	// Nothing was written.
	list := station.must(200, "GET", "/seekers", nil)
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("%d seekers written by bad input", n)
	}
	// Malformed and oversized bodies.
	station.must(400, "POST", "/seekers", "{not json")
	station.must(400, "POST", "/seekers", `{"name":"a"} {"name":"b"}`)
	station.must(400, "POST", "/seekers", `{"name":"`+strings.Repeat("x", 2<<20)+`"}`)
	// Limits and ids.
	station.must(422, "GET", "/seekers?limit=0", nil)
	station.must(422, "GET", "/seekers?limit=101", nil)
	station.must(404, "GET", "/seekers/999999", nil)
	station.must(404, "GET", "/seekers/abc", nil)
	e.anon.must(401, "GET", "/seekers", nil)

	// Employers and postings.
	emp := storetest.EmployerInput()
	bad := map[string]any{"name": emp.Name, "credit_code": emp.CreditCode[:17] + string(otherCheck(emp.CreditCode[17])),
		"district": "440399", "street": "440307018", "address": "x", "contact_name": "王", "contact_phone": "123",
		"username": "f", "password": "short"}
	status, out := e.anon.do("POST", "/employers", bad)
	fields := out["error"].(map[string]any)["fields"].(map[string]any)
	for _, f := range []string{"credit_code", "district", "contact_phone", "username", "password"} {
		if fields[f] == nil {
			t.Errorf("employer: no message for %s: %v", f, fields)
		}
	}
	if status != 422 {
		t.Fatalf("employer status %d", status)
	}
	e.anon.must(201, "POST", "/employers", map[string]any{"name": emp.Name, "credit_code": emp.CreditCode, "district": emp.District,
		"street": emp.Street, "address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
		"username": "factory", "password": "factory-pass"})
	boss := e.anon.login("factory", "factory-pass")
	past := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
	status, out = boss.do("POST", "/postings", map[string]any{"title": "普工", "occupation": "1-01", "headcount": 0, "pay_min": 6000, "pay_max": 5000,
		"shift": "day", "start_date": past, "closing_date": past, "district": "440307", "address": "x"})
	fields = out["error"].(map[string]any)["fields"].(map[string]any)
	for _, f := range []string{"occupation", "headcount", "pay_max", "start_date", "closing_date"} {
		if fields[f] == nil {
			t.Errorf("posting: no message for %s: %v", f, fields)
		}
	}
	if status != 422 {
		t.Fatalf("posting status %d", status)
	}
	start := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	status, out = boss.do("POST", "/postings", map[string]any{"title": "普工", "occupation": "6-25-04-02", "headcount": 100000, "pay_min": 1800,
		"shift": "day", "start_date": start, "closing_date": start, "district": "440307", "address": "x"})
	fields = out["error"].(map[string]any)["fields"].(map[string]any)
	if status != 422 || fields["headcount"] == nil {
		t.Fatalf("huge headcount: %d %v", status, fields)
	}
	status, out = boss.do("POST", "/postings", map[string]any{"title": "普工", "occupation": "6-25-04-02", "headcount": 10, "pay_min": 1800,
		"shift": "day", "start_date": start, "closing_date": start, "district": "440307", "address": "x"})
	if msg, _ := out["error"].(map[string]any)["fields"].(map[string]any)["pay_min"].(string); status != 422 || !strings.Contains(msg, "最低工资") {
		t.Fatalf("below minimum wage: %d %v", status, out)
	}
	mine := boss.must(200, "GET", "/postings", nil)
	if len(mine["items"].([]any)) != 0 {
		t.Fatal("a refused posting was written")
	}
	// Flags for the reviewing officer.
	p := boss.must(201, "POST", "/postings", map[string]any{"title": "普工（限男性）", "occupation": "6-25-04-02", "headcount": 10, "pay_min": 4500,
		"pay_day": 10, "shift": "day", "start_date": start, "closing_date": start, "district": "440307", "address": "x",
		"description": "入职需交押金 300 元，限男"})
	rules := []string{}
	for _, c := range p["checks"].([]any) {
		rules = append(rules, c.(map[string]any)["rule"].(string))
	}
	if strings.Join(rules, ",") != "asks_money,discrimination" {
		t.Fatalf("flags %v", rules)
	}
}

func otherCheck(c byte) byte {
	if c == '1' {
		return '2'
	}
	return '1'
}
