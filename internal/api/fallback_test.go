package api_test

import (
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store/storetest"
)

// TestFallbackAPI: recommendations carry their kind, work a seeker could
// also do comes with its grounds, an empty page says why, and officers get
// per-county counts of seekers short of recommendations.
func TestFallbackAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		e := boot(t, k)
		e.admin.must(201, "POST", "/users", map[string]any{"username": "longgang", "password": "longgang-pass", "name": "龙岗区", "role": "officer", "region": "440307"})
		e.admin.must(201, "POST", "/users", map[string]any{"username": "napo", "password": "napo-station", "name": "那坡县工作站", "role": "officer", "region": "451026"})
		district := e.anon.login("longgang", "longgang-pass")
		station := e.anon.login("napo", "napo-station")
		emp := storetest.EmployerInput()
		out := e.anon.must(201, "POST", "/employers", map[string]any{
			"name": emp.Name, "credit_code": emp.CreditCode, "district": emp.District, "street": emp.Street,
			"address": emp.Address, "contact_name": emp.ContactName, "contact_phone": emp.ContactPhone,
			"industry": emp.Industry, "username": "factory", "password": "factory-pass"})
		empID := id(out["employer"].(map[string]any))
		boss := e.anon.login("factory", "factory-pass")
		district.must(200, "POST", "/employers/"+itoa(empID)+"/review", map[string]string{"decision": "verify"})
		start := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly)
		closing := time.Now().In(easyjob.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
		p := boss.must(201, "POST", "/postings", map[string]any{"title": "手机厂普工", "occupation": "6-25-04-02", "headcount": 1,
			"pay_min": 5500, "pay_max": 6800, "pay_day": 10, "dorm": true, "meals": true, "shift": "two_shifts",
			"start_date": start, "closing_date": closing, "district": "440307", "street": "440307018", "address": "甘李路 8 号", "description": "手机主板组装。"})
		pid := id(p)
		district.must(200, "POST", "/postings/"+itoa(pid)+"/review", map[string]string{"decision": "approve"})
		seeker := func(trade string, pay int) int64 {
			sk := storetest.SeekerInput()
			return id(station.must(201, "POST", "/seekers", map[string]any{"name": sk.Name, "id_number": sk.IDNumber,
				"phone": sk.Phone, "trades": []string{trade}, "expected_pay": pay, "consent_method": "signed"}))
		}
		line, guard, dear := seeker("6-25-04-02", 4500), seeker("4-07-05-01", 4500), seeker("4-07-05-01", 9000)

		recs := station.must(200, "GET", "/seekers/"+itoa(line)+"/recommendations", nil)
		if it := recs["items"].([]any); len(it) != 1 || it[0].(map[string]any)["kind"] != "match" || recs["empty"] != nil {
			t.Errorf("line worker: %v", recs)
		}
		recs = station.must(200, "GET", "/seekers/"+itoa(guard)+"/recommendations", nil)
		it := recs["items"].([]any)
		if len(it) != 1 || it[0].(map[string]any)["kind"] != "also" {
			t.Fatalf("guard: %v", recs)
		}
		r0 := it[0].(map[string]any)["reasons"].([]any)[0].(map[string]any)
		if r0["key"] != "reason.also_entry" || r0["message"] != "不需要经验，上岗有人带" {
			t.Errorf("guard's first reason %v", r0)
		}
		en := station.in("en")
		recs = en.must(200, "GET", "/seekers/"+itoa(dear)+"/recommendations", nil)
		empty, _ := recs["empty"].(map[string]any)
		if len(recs["items"].([]any)) != 0 || empty == nil || empty["cause"] != "pay" {
			t.Fatalf("guard expecting 9,000: %v", recs)
		}
		if m := empty["reason"].(map[string]any)["message"].(string); !strings.Contains(m, "9,000 CNY") || !strings.Contains(m, "5,500 CNY") {
			t.Errorf("empty page's message %q", m)
		}

		counts := station.must(200, "GET", "/recommendations/short-counts", nil)
		items := counts["items"].([]any)
		if counts["below"] != float64(5) || len(items) != 1 {
			t.Fatalf("short counts %v", counts)
		}
		if c := items[0].(map[string]any); c["county"] != "451026" || c["seekers"] != float64(3) || c["short"] != float64(3) || c["name"] == "" {
			t.Errorf("county %v", c)
		}
		boss.must(403, "GET", "/recommendations/short-counts", nil)
		e.anon.must(401, "GET", "/recommendations/short-counts", nil)
	})
}
