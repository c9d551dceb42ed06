package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

func fieldErr(out map[string]any, field string) bool {
	e, _ := out["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	_, ok := f[field]
	return ok
}

// officesAndFactory signs in a district officer (龙岗区), a station officer
// (那坡县) and an employer ("factory") that the district has verified.
func officesAndFactory(e *env) (district, station, boss *client) {
	e.admin.must(201, "POST", "/users", map[string]any{"username": "longgang", "password": "longgang-pass", "name": "龙岗区", "role": "officer", "region": "440307"})
	e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
	district = e.anon.login("longgang", "longgang-pass")
	station = e.anon.login("napo", "napo-station")
	emp := storetest.EmployerInput()
	out := e.anon.must(201, "POST", "/employers", map[string]any{
		"name": emp.Name, "credit_code": emp.CreditCode, "district": emp.District, "street": emp.Street,
		"address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
		"industry": emp.Industry, "username": "factory", "password": "factory-pass"})
	empID := id(out["employer"].(map[string]any))
	district.must(200, "POST", "/employers/"+itoa(empID)+"/review", map[string]string{"decision": "verify"})
	return district, station, e.anon.login("factory", "factory-pass")
}

func TestMatchingAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		admin := e.admin
		district, station, boss := officesAndFactory(e)
		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly)
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		p := boss.must(201, "POST", "/postings", map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 1,
			"pay_min": 5500, "pay_max": 6800, "pay_day": 10, "dorm": true, "meals": true, "shift": "two_shifts",
			"start_date": start, "closing_date": closing, "district": "440307", "street": "440307018",
			"address": "甘李路 8 号", "description": "手机主板组装。"})
		pid := id(p)
		district.must(200, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve"})
		sk := storetest.SeekerInput()
		sid := id(station.must(201, "POST", "/seekers", map[string]any{"name": sk.Name, "id_number": sk.IDNumber,
			"phone": sk.Phone, "trades": sk.Trades, "expected_pay": 4500, "wants_dorm": true, "wants_meals": true,
			"consent_method": "signed"}))

		// Recommendations with reasons in the reader's language.
		recs := station.must(200, "GET", "/seekers/"+itoa(sid)+"/recommendations?limit=20", nil)
		items := recs["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("recommendations %v", recs)
		}
		first := items[0].(map[string]any)
		if first["score"].(float64) <= 0 || id(first["posting"].(map[string]any)) != pid {
			t.Fatalf("recommendation %v", first)
		}
		var msgs []string
		for _, r := range first["reasons"].([]any) {
			msgs = append(msgs, r.(map[string]any)["message"].(string))
		}
		all := strings.Join(msgs, "|")
		for _, want := range []string{"月薪最低 5,500 元，高于您期望的 4,500 元", "包吃包住", "企业已认证", "3 天后上岗"} {
			if !strings.Contains(all, want) {
				t.Errorf("reasons %q lack %q", all, want)
			}
		}
		en := station.in("en")
		recs = en.must(200, "GET", "/seekers/"+itoa(sid)+"/recommendations", nil)
		if m := recs["items"].([]any)[0].(map[string]any)["reasons"].([]any)[0].(map[string]any)["message"].(string); strings.ContainsAny(m, "元包吃") {
			t.Errorf("English reason %q", m)
		}

		// Candidates, masked until the seeker applies.
		cs := boss.must(200, "GET", "/postings/"+itoa(pid)+"/candidates?limit=5", nil)
		c0 := cs["items"].([]any)[0].(map[string]any)
		if s := c0["seeker"].(map[string]any); s["masked"] != true || s["phone"] == sk.Phone {
			t.Errorf("candidate not masked: %v", s)
		}

		// Bad input.
		for _, tc := range []struct {
			path   string
			status int
			field  string
		}{
			{"/seekers/999999/recommendations", 404, ""},
			{"/seekers/abc/recommendations", 404, ""},
			{"/postings/999999/candidates", 404, ""},
			{"/seekers/" + itoa(sid) + "/recommendations?limit=0", 422, "limit"},
			{"/seekers/" + itoa(sid) + "/recommendations?limit=101", 422, "limit"},
			{"/seekers/" + itoa(sid) + "/recommendations?limit=x", 422, "limit"},
			{"/postings/" + itoa(pid) + "/candidates?limit=500", 422, "limit"},
			{"/postings?q=普工&pay_min=abc", 422, "pay_min"},
			{"/postings?q=普工&district=" + url.QueryEscape("龙岗"), 422, "district"},
			{"/postings?occupation=" + url.QueryEscape("1;DROP"), 422, "occupation"},
			{"/postings?q=普工&dorm=maybe", 422, "dorm"},
			{"/postings?q=普工&start_from=2020-13-01", 422, "start_from"},
			{"/postings?q=普工&limit=0", 422, "limit"},
		} {
			got, out := station.do("GET", tc.path, nil)
			if got != tc.status || (tc.field != "" && !fieldErr(out, tc.field)) {
				t.Errorf("%s: %d %v, want %d naming %q", tc.path, got, out, tc.status, tc.field)
			}
		}

		// Search.
		res := e.anon.must(200, "GET", "/postings?q="+url.QueryEscape("普工")+"&district=440307&occupation=6-25&pay_min=5000&limit=10", nil)
		if res["total"].(float64) != 1 || id(res["items"].([]any)[0].(map[string]any)) != pid {
			t.Fatalf("search %v", res)
		}
		if f := res["facets"].(map[string]any); f["district"].(map[string]any)["440307"].(float64) != 1 {
			t.Errorf("facets %v", f)
		}
		for _, q := range []string{strings.Repeat("🙂", 1000), strings.Repeat("普工", 500), `"普工" OR 1=1; DROP TABLE postings; -- NEAR(*) ^ \ ' %`, "司机"} {
			res := e.anon.must(200, "GET", "/postings?q="+url.QueryEscape(q), nil)
			if q == "司机" && res["total"].(float64) != 0 {
				t.Errorf("%q found %v", q, res)
			}
		}

		// Match day: proposals, then offers in bulk.
		day := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 2).Format(time.DateOnly)
		run := station.must(201, "POST", "/matchdays", map[string]any{"date": day})
		props := run["proposals"].([]any)
		if len(props) != 1 || int64(props[0].(map[string]any)["posting_id"].(float64)) != pid {
			t.Fatalf("run %v", run)
		}
		station.must(200, "GET", "/matchdays/"+itoa(id(run)), nil)
		boss.must(403, "GET", "/matchdays/"+itoa(id(run)), nil)
		conv := station.must(200, "POST", "/matchdays/"+itoa(id(run))+"/convert", map[string]any{})
		if conv["converted"].(float64) != 1 {
			t.Fatalf("convert %v", conv)
		}
		station.must(422, "POST", "/matchdays", map[string]any{"date": "2001-01-01"})

		// The policy: city officers set it.
		station.must(403, "PUT", "/matching/policy", map[string]any{"poor_weight": 0.5})
		admin.must(422, "PUT", "/matching/policy", map[string]any{"poor_weight": -1})
		pol := admin.must(200, "PUT", "/matching/policy", map[string]any{"poor_weight": 0.5, "twinned_weight": 0.2, "congestion_alpha": 0.5})
		if pol["poor_weight"].(float64) != 0.5 {
			t.Errorf("policy %v", pol)
		}
	})
}
